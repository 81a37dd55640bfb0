/**
 * Prediction API (for the gRPC server): loaded forecaster + venue + recent history → hourly
 * forecasts with a p10–p90 interval and a busy level.
 *
 * Venues unknown to the artifact (or without history) still get a seasonal forecast: the generic
 * peak-normalised weekly profile times a scale estimated from, in order of preference, the
 * supplied history (least-squares fit of the generic shape), the capacity (× the artifact's
 * typical peak/capacity ratio, or 0.5 when unknown), or the artifact's median venue scale.
 */
import type { HourForecast, WeatherHour } from './types.ts';
import type { Forecaster, ForecastManifest, VenueModelInfo } from './forecaster.ts';
import { FeatureBatch, applyForecaster } from './forecaster.ts';
import { HourGrid } from './grid.ts';
import { HOUR_MS, localHourStart } from './calendar.ts';
import { regionForVenue } from './holidays.ts';
import type { HolidayRegion } from './holidays.ts';
import { busyLevel } from './levels.ts';
import type { LevelThresholds } from './levels.ts';
import { hourOfWeekForecast, lastWeekForecast } from './baselines.ts';
import { applyGuard, guardFor } from './guard.ts';
import { openHoursOfWeek, type OpeningSpan } from './opening-hours.ts';
import type { VenueModelView } from './venue-context.ts';
import { posteriorProfile, priorFor, type VenueAttributes } from './cold-start.ts';
import { buildVenueFeatures } from './venue-context.ts';

/** Longest supported horizon (the model is trained and evaluated on 1..24; beyond that the inputs are extrapolated). */
export const MAX_PREDICT_HORIZON = 168;
/** History needed for all features: two weeks plus a day. */
export const HISTORY_HOURS = 15 * 24;

export interface PredictRequest {
  venue: string;
  /** Forecast origin; floored to the start of its local hour. Horizon 1 = the hour starting there. */
  origin: Date;
  /** Number of hours to forecast (1..168; validated 1..24). */
  horizonHours: number;
  /** Recent observations (raw samples or hourly means; averaged per local hour). Only those before the origin hour are used. */
  history?: ReadonlyArray<{ at: Date; occupancy: number | null }>;
  /** Confirmed bookings per hour (`at` inside the hour). */
  bookings?: ReadonlyArray<{ at: Date; count: number }>;
  /** Hourly weather (e.g. from a WeatherProvider). */
  weather?: readonly WeatherHour[];
  /** Venue capacity, used to scale an unknown venue. */
  capacity?: number | null;
  /** Holiday region; default: the artifact's region for the venue, else guessed from the name. */
  region?: HolidayRegion;
  /**
   * IANA time zone of the venue: hour-of-week, calendar and holidays are local to it. Default: the
   * artifact's zone (right for the venues it was trained on, which all share it).
   */
  timeZone?: string;
  /** Weekly opening hours; hours the venue is closed forecast 0. Absent or empty = unknown. */
  openingHours?: readonly OpeningSpan[];
  /** Kind and place of the venue, to find similar venues for one the model does not know. */
  sport?: string;
  latitude?: number;
  longitude?: number;
}

/**
 * The artifact's entry for `venue`, or undefined when the artifact was not trained on it. The one
 * test of "known venue" (own properties only: a venue named e.g. "constructor" is not known).
 */
export function knownVenueInfo(
  manifest: Pick<ForecastManifest, 'venues'>,
  venue: string,
): VenueModelInfo | undefined {
  return Object.hasOwn(manifest.venues, venue) ? manifest.venues[venue] : undefined;
}

/**
 * Profile/scale/region of a venue: from the artifact when known, otherwise the cold-start
 * posterior (cold-start.ts): similar known venues' shape in the venue's local time and opening
 * hours, scaled by its capacity, updated with its own `history` (hourly means aligned with
 * `grid`, NaN = none).
 */
export function resolveVenue(
  manifest: Pick<ForecastManifest, 'venues' | 'generic'>,
  venue: string,
  opts: {
    capacity?: number | null;
    region?: HolidayRegion;
    grid?: HourGrid;
    history?: Float64Array;
    open?: Uint8Array | null;
    attributes?: VenueAttributes;
  } = {},
): VenueModelView & { known: boolean; observedHours: number } {
  const info = knownVenueInfo(manifest, venue);
  if (info)
    return {
      profile: info.profile,
      scale: info.scale,
      region: opts.region ?? info.region,
      known: true,
      observedHours: 0,
    };
  const region = opts.region ?? regionForVenue(venue);
  const open = opts.open ?? null;
  const prior = priorFor(
    Object.values(manifest.venues),
    { ...opts.attributes, capacity: opts.capacity ?? null },
    open,
  );
  const post = posteriorProfile(prior, opts.grid, opts.history, open);
  return {
    profile: post.profile,
    scale: post.scale,
    region,
    known: false,
    observedHours: post.observedHours,
  };
}

/** Mean of `value` per local hour of `grid` (NaN where there is none). */
function hourly<T extends { at: Date }>(
  grid: HourGrid,
  items: readonly T[] | undefined,
  value: (item: T) => number | null | undefined,
): Float64Array {
  const out = new Float64Array(grid.length).fill(Number.NaN);
  if (!items) return out;
  const cnt = new Uint32Array(grid.length);
  for (const it of items) {
    const v = value(it);
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const i = grid.index(it.at.getTime());
    if (i < 0 || i >= grid.length) continue;
    out[i] = cnt[i] === 0 ? v : out[i]! + (v - out[i]!) / (cnt[i]! + 1);
    cnt[i]!++;
  }
  return out;
}

/**
 * Grids of recent predict() calls. A Forecast call predicts many venues for the same origin,
 * horizon and (usually) time zone; building the grid (and its holiday flags, memoised per grid in
 * venue-context.ts) once for all of them saves most of the per-venue calendar work. Grids are
 * never mutated after construction, so sharing them is safe.
 */
const GRID_MEMO_SIZE = 4;
const gridMemo = new Map<string, HourGrid>();

function sharedGrid(timeZone: string, startMs: number, length: number): HourGrid {
  const key = `${timeZone}|${startMs}|${length}`;
  let grid = gridMemo.get(key);
  if (grid) {
    gridMemo.delete(key); // most recently used last
  } else {
    grid = new HourGrid(timeZone, startMs, length);
    if (gridMemo.size >= GRID_MEMO_SIZE) gridMemo.delete(gridMemo.keys().next().value!);
  }
  gridMemo.set(key, grid);
  return grid;
}

/**
 * What serves forecasts: a trained forecaster (network + guard), or — before any model was
 * trained — the baseline: hour-of-week profiles of known venues (from the shipped data) with an
 * interval from their typical spread, and the cold start for every other venue.
 */
export interface BaselinePrior {
  kind: 'baseline';
  venues: Record<string, VenueModelInfo>;
  generic: ForecastManifest['generic'];
  timeZone: string;
  levelThresholds: LevelThresholds;
  /** p10 / p90 of actual ÷ hour-of-week profile over the data the profiles came from. */
  interval: { low: number; high: number };
}

export type ForecastBasis = 'MODEL' | 'BASELINE';

export interface VenueForecastResult {
  points: HourForecast[];
  /** The venue is in the artifact (else: cold start from similar venues and its own history). */
  known: boolean;
  /** MODEL: the trained network through its guard; BASELINE: no trained model yet. */
  basis: ForecastBasis;
}

/** Forecast the next `horizonHours` local hours for one venue. */
export function predict(forecaster: Forecaster, request: PredictRequest): HourForecast[] {
  return forecastVenue(forecaster, request).points;
}

/** Like predict(), from a forecaster or the baseline, saying which and whether the venue was known. */
export function forecastVenue(
  source: Forecaster | BaselinePrior,
  request: PredictRequest,
): VenueForecastResult {
  const m = 'kind' in source ? source : source.manifest;
  const horizon = Math.floor(request.horizonHours);
  if (!(horizon >= 1 && horizon <= MAX_PREDICT_HORIZON))
    throw new RangeError(`horizonHours must be 1..${MAX_PREDICT_HORIZON}, got ${request.horizonHours}`);
  const originMs = request.origin.getTime();
  if (!Number.isFinite(originMs)) throw new RangeError('invalid origin');
  const tz = request.timeZone ?? m.timeZone;
  const originHour = localHourStart(originMs, tz);
  const grid = sharedGrid(tz, originHour - HISTORY_HOURS * HOUR_MS, HISTORY_HOURS + horizon);
  const o = HISTORY_HOURS;
  const history = hourly(grid, request.history, (r) => r.occupancy);
  for (let i = o; i < grid.length; i++) history[i] = Number.NaN; // never use the future
  const open = openHoursOfWeek(request.openingHours);
  const view = resolveVenue(m, request.venue, {
    ...(request.capacity !== undefined ? { capacity: request.capacity } : {}),
    ...(request.region !== undefined ? { region: request.region } : {}),
    grid,
    history,
    open,
    attributes: {
      timeZone: tz,
      ...(request.sport !== undefined ? { sport: request.sport } : {}),
      ...(request.latitude !== undefined ? { latitude: request.latitude } : {}),
      ...(request.longitude !== undefined ? { longitude: request.longitude } : {}),
    },
  });
  let raw: { expected: ArrayLike<number>; low: ArrayLike<number>; high: ArrayLike<number> };
  if ('kind' in source) {
    const expected = new Float64Array(horizon);
    const low = new Float64Array(horizon);
    const high = new Float64Array(horizon);
    for (let h = 1; h <= horizon; h++) {
      const e = hourOfWeekForecast(view.profile, grid, o + h - 1);
      expected[h - 1] = e;
      low[h - 1] = e * source.interval.low;
      high[h - 1] = e * source.interval.high;
    }
    raw = { expected, low, high };
  } else {
    const features = buildVenueFeatures(
      grid,
      {
        history,
        temperature: hourly(grid, request.weather, (w) => w.temperatureC),
        precipitation: hourly(grid, request.weather, (w) => w.precipitationMm),
        bookings: hourly(grid, request.bookings, (b) => b.count),
      },
      view,
      source.manifest.uses,
    );
    const batch = new FeatureBatch(horizon);
    for (let h = 1; h <= horizon; h++) batch.add(features, o, h);
    raw = applyForecaster(source, batch);
  }
  const guard = 'kind' in source ? undefined : source.manifest.guard;
  const out: HourForecast[] = [];
  for (let h = 1; h <= horizon; h++) {
    const r = h - 1;
    const t = o + h - 1;
    const at = new Date(grid.time(t));
    if (open && !open[grid.hourOfWeek[t]!]) {
      out.push({ at, expected: 0, low: 0, high: 0, level: 'NOT_BUSY', closed: true });
      continue;
    }
    let p = { expected: raw.expected[r]!, low: raw.low[r]!, high: raw.high[r]! };
    const g = guardFor(guard, request.venue, h);
    if (g)
      p = applyGuard(g, p, {
        hourOfWeek: hourOfWeekForecast(view.profile, grid, t),
        lastWeek: lastWeekForecast(history, view.profile, grid, t, o),
      });
    out.push({
      at,
      expected: p.expected,
      low: Math.min(p.low, p.expected),
      high: Math.max(p.high, p.expected),
      level: busyLevel(p.expected, view.scale, m.levelThresholds),
      closed: false,
    });
  }
  return { points: out, known: view.known, basis: 'kind' in source ? 'BASELINE' : 'MODEL' };
}
