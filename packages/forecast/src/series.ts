/**
 * Turns occupancy rows into dense per-venue hourly arrays on a shared `HourGrid`:
 * - `truth`: hourly mean occupancy after complete stuck-run masking (ground truth / targets);
 * - `history`: the same with causal ('online') masking — what a forecaster could know at the time;
 * - optional hourly weather, bookings and holiday overrides from the rows.
 * NaN marks an hour without data.
 */
import type { OccupancyRow } from './types.ts';
import { HourGrid } from './grid.ts';
import { localDateKey } from './calendar.ts';
import { maskStuckRuns, STUCK_RUN_LENGTH } from './clean.ts';

export interface VenueHours {
  venue: string;
  truth: Float64Array;
  history: Float64Array;
  temperature: Float64Array;
  precipitation: Float64Array;
  bookings: Float64Array;
  /** Local date → holiday flag given in the data (overrides the calendar). */
  holidayOverride: Map<string, boolean>;
  /** Local date → school-holiday flag given in the data. */
  schoolOverride: Map<string, boolean>;
  /** Last capacity seen in the rows, if any. */
  capacity: number | null;
}

export interface HourlyDataset {
  grid: HourGrid;
  /** Venues in name order. */
  venues: Map<string, VenueHours>;
  /** Values masked as stuck (complete mode). */
  maskedStuck: number;
  hasWeather: boolean;
  hasBookings: boolean;
}

export interface DatasetOptions {
  minRun?: number;
  /** Extend the grid to cover at least [fromMs, toMs]. */
  fromMs?: number;
  toMs?: number;
}

function emptyHours(venue: string, n: number): VenueHours {
  const nan = (): Float64Array => new Float64Array(n).fill(Number.NaN);
  return {
    venue,
    truth: nan(),
    history: nan(),
    temperature: nan(),
    precipitation: nan(),
    bookings: nan(),
    holidayOverride: new Map(),
    schoolOverride: new Map(),
    capacity: null,
  };
}

function meanInto(target: Float64Array, counts: Uint16Array, i: number, v: number): void {
  const c = counts[i]!;
  target[i] = c === 0 ? v : target[i]! + (v - target[i]!) / (c + 1);
  counts[i] = c + 1;
}

export function buildHourlyDataset(
  rows: readonly OccupancyRow[],
  timeZone: string,
  options: DatasetOptions = {},
): HourlyDataset {
  const minRun = options.minRun ?? STUCK_RUN_LENGTH;
  let lo = options.fromMs ?? Number.POSITIVE_INFINITY;
  let hi = options.toMs ?? Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    const t = r.at.getTime();
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = hi = options.fromMs ?? options.toMs ?? 0;
  }
  const grid = HourGrid.covering(timeZone, lo, hi);
  const n = grid.length;
  const complete = maskStuckRuns(rows, { minRun, mode: 'complete' });
  const online = maskStuckRuns(rows, { minRun, mode: 'online' });
  const venues = new Map<string, VenueHours>();
  const counts = new Map<string, Uint16Array[]>();
  for (const name of [...new Set(rows.map((r) => r.venue))].sort()) {
    venues.set(name, emptyHours(name, n));
    counts.set(
      name,
      [0, 1, 2, 3, 4].map(() => new Uint16Array(n)),
    );
  }
  let hasWeather = false;
  let hasBookings = false;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const vh = venues.get(r.venue)!;
    const [cT, cH, cTemp, cPrec, cBook] = counts.get(r.venue)! as [
      Uint16Array,
      Uint16Array,
      Uint16Array,
      Uint16Array,
      Uint16Array,
    ];
    const i = grid.index(r.at.getTime());
    if (i < 0 || i >= n) continue;
    const vt = complete.rows[k]!.occupancy;
    if (vt !== null && vt !== undefined && !Number.isNaN(vt)) meanInto(vh.truth, cT, i, vt);
    const vo = online.rows[k]!.occupancy;
    if (vo !== null && vo !== undefined && !Number.isNaN(vo)) meanInto(vh.history, cH, i, vo);
    if (typeof r.temperatureC === 'number' && Number.isFinite(r.temperatureC)) {
      meanInto(vh.temperature, cTemp, i, r.temperatureC);
      hasWeather = true;
    }
    if (typeof r.precipitationMm === 'number' && Number.isFinite(r.precipitationMm)) {
      meanInto(vh.precipitation, cPrec, i, r.precipitationMm);
      hasWeather = true;
    }
    if (typeof r.bookings === 'number' && Number.isFinite(r.bookings)) {
      meanInto(vh.bookings, cBook, i, r.bookings);
      hasBookings = true;
    }
    if (typeof r.holiday === 'boolean') {
      const key = localDateKey(r.at, timeZone);
      vh.holidayOverride.set(key, (vh.holidayOverride.get(key) ?? false) || r.holiday);
    }
    if (typeof r.schoolHoliday === 'boolean') {
      const key = localDateKey(r.at, timeZone);
      vh.schoolOverride.set(key, (vh.schoolOverride.get(key) ?? false) || r.schoolHoliday);
    }
    if (typeof r.capacity === 'number' && Number.isFinite(r.capacity) && r.capacity > 0)
      vh.capacity = r.capacity;
  }
  return { grid, venues, maskedStuck: complete.masked, hasWeather, hasBookings };
}
