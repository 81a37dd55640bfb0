/**
 * Trainer: in-memory occupancy rows → Forecaster. Independent of the data source (CSV, database).
 *
 * 1. Hourly dataset (stuck runs masked; complete masking for targets, causal for features).
 * 2. Per-venue hour-of-week profile and scale (usual peak) from all training hours.
 * 3. Training samples: every training hour with data as a target, paired with forecast origins
 *    1..24 h before it (a seeded random subset of `horizonsPerTarget` horizons per target).
 *    The target's own profile cell is used leave-one-out, so the network sees the same kind of
 *    error it will meet on unseen data.
 * 4. Network: MLP on standardised features → p50/p10/p90 of occupancy / (scale · level) − profile / scale,
 *    where level = the venue's recent (168 h) observed/profile ratio known at the origin.
 */
import type { OccupancyRow } from './types.ts';
import { buildHourlyDataset } from './series.ts';
import type { VenueHours } from './series.ts';
import { computeProfile, genericProfile } from './profile.ts';
import type { VenueProfile } from './profile.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.ts';
import type { VenueFeatures } from './features.ts';
import { regionForVenue } from './holidays.ts';
import type { HolidayRegion } from './holidays.ts';
import { buildNetwork, fitNetwork, initBackend, runNetwork, seededRandom, QUANTILES } from './model.ts';
import { ARTIFACT_FORMAT_VERSION, featureColumns, standardise, zeroColumns } from './forecaster.ts';
import type { Forecaster, ForecastManifest, ModelInputs, VenueModelInfo } from './forecaster.ts';
import { DEFAULT_LEVEL_THRESHOLDS } from './levels.ts';
import { buildVenueFeatures } from './venue-context.ts';
import { assertTimeZone, localHourStart } from './calendar.ts';
import { scoreWindow } from './evaluate.ts';
import type { VenueAttributes } from './cold-start.ts';
import { fitGuard, HORIZON_BANDS } from './guard.ts';

export interface TrainOptions {
  timeZone: string;
  /** Holiday region per venue; default: guessed from the name (regionForVenue). */
  regionOf?: (venue: string) => HolidayRegion;
  /** Kind and place of each venue (sport, latitude, time zone), for cold starts of similar venues. */
  attributesOf?: (venue: string) => VenueAttributes | undefined;
  seed?: number;
  epochs?: number;
  hidden?: readonly number[];
  batchSize?: number;
  learningRate?: number;
  l2?: number;
  /**
   * Features to switch off (fed as 0 in training and prediction). Default: the day-of-year pair
   * when the training data spans less than two years (each calendar day would be seen at most once,
   * and unseen parts of the year would be extrapolated), otherwise none.
   */
  disabledFeatures?: readonly string[];
  /**
   * Use a leave-one-out profile value for each training target. Default: only when the profile
   * cells are well filled (median ≥ LOO_MIN_CELL_COUNT weeks). With few weeks the LOO profile is
   * much noisier than the deployed one (n − 1 vs n samples), and measured worse.
   */
  leaveOneOut?: boolean;
  /** Horizons (of 1..24) sampled per training target. 24 = all. */
  horizonsPerTarget?: number;
  /**
   * Days at the end of the data held out to fit the guard (guard.ts); 0 = no guard (the raw
   * network is served). Default: 20 % of the span, at most 28, and only when ≥ 21 days remain.
   */
  validationDays?: number;
  /**
   * After validation, fit the network again on all rows (default false). Off by default: the guard
   * was learnt for the validated network, and a refit network is a different one — measured, a
   * badly fitted refit served worse than its baseline although the validated one had been caught.
   */
  refit?: boolean;
  /** Artifact version label; default derived from the creation time. */
  version?: string;
  now?: () => Date;
  log?: (message: string) => void;
}

/** Defaults chosen on a validation backtest inside the training period (see README). */
export const DEFAULT_TRAIN = {
  seed: 7,
  epochs: 5,
  hidden: [128, 64],
  batchSize: 256,
  learningRate: 2e-3,
  l2: 1e-4,
  horizonsPerTarget: 4,
} as const;

export const LOO_MIN_CELL_COUNT = 20;
/**
 * L2 is scaled up for small training sets: l2 · clamp(L2_REFERENCE_SAMPLES / samples, 1, 50)
 * (weight decay ∝ 1/N, as for a fixed Gaussian prior).
 */
export const L2_REFERENCE_SAMPLES = 200_000;

/** Day-of-year features need at least this much training history to be learnable (two years). */
export const MIN_DAYS_FOR_DAY_OF_YEAR = 730;

export const MAX_HORIZON = 24;

/** Median; for an even count the mean of the two middle values. NaN when empty. */
function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Upper median: for an even count the larger of the two middle values (so always one of the
 * values — a whole cell count, compared against LOO_MIN_CELL_COUNT). 0 when empty.
 */
function upperMedian(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Default version label: 'v' + UTC timestamp, e.g. v20260301T120000123Z (sorts by time). */
export function versionFromDate(d: Date): string {
  return `v${d.toISOString().replace(/[-:.]/g, '')}`;
}

/** Share of the training span held out for the guard's validation, and its bounds in days. */
export const VALIDATION_SHARE = 0.2;
export const MAX_VALIDATION_DAYS = 28;
/** Below this many days of history before the validation window, no guard is fitted. */
export const MIN_FIT_DAYS_FOR_GUARD = 21;
const DAY_MS = 86_400_000;

/**
 * Days held out to fit the guard for a history of `spanDays` (`requested` overrides the default
 * share), or 0 when the history is too short for one: the raw network would be served unguarded.
 */
export function guardValidationDays(spanDays: number, requested?: number): number {
  const days = requested ?? Math.min(MAX_VALIDATION_DAYS, Math.floor(spanDays * VALIDATION_SHARE));
  return days > 0 && spanDays - days >= MIN_FIT_DAYS_FOR_GUARD ? days : 0;
}

/**
 * Trains a forecaster with its guard (guard.ts): the network is first fitted on all but the most
 * recent `validationDays` of `rows` and scored there; the guard learnt from that score (per venue
 * and horizon band: baseline, blend weight, interval scale) is stored in the manifest with the
 * validation figures, and that same network is served: its guard is valid for it. (The served
 * network still reads the most recent weeks as inputs — recent level, same hour last week.)
 */
export async function trainForecaster(
  rows: readonly OccupancyRow[],
  options: TrainOptions,
): Promise<Forecaster> {
  if (rows.length === 0) throw new Error('no training rows');
  let minT = Infinity;
  let maxT = -Infinity;
  for (const row of rows) {
    const t = row.at.getTime();
    if (t < minT) minT = t;
    if (t > maxT) maxT = t;
  }
  const validationDays = guardValidationDays((maxT - minT) / DAY_MS, options.validationDays);
  if (validationDays === 0) return fitForecaster(rows, options);
  const log = options.log ?? ((): void => {});
  const started = performance.now();
  const cut = localHourStart(maxT - validationDays * DAY_MS, options.timeZone);
  const early = rows.filter((r) => r.at.getTime() < cut);
  log(
    `guard: fitting on rows before ${new Date(cut).toISOString()}, validating on the last ${validationDays} days`,
  );
  const first = await fitForecaster(early, options);
  const scores = scoreWindow(first, rows, {
    timeZone: options.timeZone,
    fromMs: cut,
    toMs: maxT + 1,
    originStride: 2,
  });
  const guard = fitGuard(scores, { from: new Date(cut), to: new Date(maxT) });
  for (const b of guard.validation.byBand)
    log(
      `guard ${b.label}: model ${b.model.toFixed(2)} hourOfWeek ${b.hourOfWeek.toFixed(2)} lastWeek ${b.lastWeek.toFixed(2)} → served ${b.guarded.toFixed(2)} (pooled weight ${guard.pooled[HORIZON_BANDS.findIndex((x) => x.label === b.label)]!.weight})`,
    );
  let final = first;
  if (options.refit ?? false) {
    first.network.dispose();
    final = await fitForecaster(rows, options);
  }
  final.manifest.guard = guard;
  final.manifest.training.seconds = (performance.now() - started) / 1000;
  return final;
}

async function fitForecaster(rows: readonly OccupancyRow[], options: TrainOptions): Promise<Forecaster> {
  assertTimeZone(options.timeZone);
  const cfg = {
    ...DEFAULT_TRAIN,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as typeof DEFAULT_TRAIN & TrainOptions;
  const log = options.log ?? ((): void => {});
  const backend = await initBackend();
  const started = performance.now();
  const regionOf = options.regionOf ?? ((v: string): HolidayRegion => regionForVenue(v));
  if (rows.length === 0) throw new Error('no training rows');

  const data = buildHourlyDataset(rows, options.timeZone);
  const grid = data.grid;
  const uses: ModelInputs = { weather: data.hasWeather, bookings: data.hasBookings };
  if (data.hasWeather) {
    const range = (pick: (h: VenueHours) => Float64Array): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const hours of data.venues.values())
        for (const v of pick(hours))
          if (Number.isFinite(v)) {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
      return Number.isFinite(lo) ? [lo, hi] : [0, 0];
    };
    uses.weatherRange = {
      temperatureC: range((h) => h.temperature),
      precipitationMm: range((h) => h.precipitation),
    };
  }

  const venues: Record<string, VenueModelInfo> = {};
  const profiles: VenueProfile[] = [];
  const featuresByVenue: Array<{
    name: string;
    f: VenueFeatures;
    truth: Float64Array;
    profile: VenueProfile;
  }> = [];
  let hoursWithData = 0;
  for (const [name, hours] of data.venues) {
    const profile = computeProfile(hours.truth, grid);
    if (profile.count.every((c) => c === 0)) continue; // venue without any data
    profiles.push(profile);
    const attributes = options.attributesOf?.(name);
    const info: VenueModelInfo = {
      profile: profile.mean,
      count: profile.count,
      scale: profile.scale,
      region: regionOf(name),
      capacity: hours.capacity,
      ...(attributes ? { attributes } : {}),
    };
    venues[name] = info;
    featuresByVenue.push({
      name,
      f: buildVenueFeatures(grid, hours, info, uses),
      truth: hours.truth,
      profile,
    });
    for (const v of hours.truth) if (!Number.isNaN(v)) hoursWithData++;
  }
  if (featuresByVenue.length === 0) throw new Error('no venue has occupancy data');

  // --- samples -------------------------------------------------------------------------------
  const medianCount = upperMedian(featuresByVenue.flatMap((v) => v.profile.count.filter((c) => c > 0)));
  const leaveOneOut = options.leaveOneOut ?? medianCount >= LOO_MIN_CELL_COUNT;
  const k = Math.max(1, Math.min(MAX_HORIZON, Math.round(cfg.horizonsPerTarget)));
  const rand = seededRandom(cfg.seed * 7919 + 1);
  const horizons = Array.from({ length: MAX_HORIZON }, (_, i) => i + 1);
  const nSamples = hoursWithData * k; // every training hour with data is a target, k horizons each
  const x = new Float32Array(nSamples * FEATURE_COUNT);
  const y = new Float32Array(nSamples);
  const base = new Float64Array(nSamples); // normalised LOO profile at the target
  const scaleOf = new Float64Array(nSamples); // venue scale × level
  const levelOf = new Float64Array(nSamples);
  let r = 0;
  for (const { f, truth, profile } of featuresByVenue) {
    const s = profile.scale;
    const sums = profile.mean.map((m, c) => m * profile.count[c]!);
    for (let t = 0; t < grid.length; t++) {
      const v = truth[t]!;
      if (Number.isNaN(v)) continue;
      const c = grid.hourOfWeek[t]!;
      const n = profile.count[c]!;
      const pLoo = (leaveOneOut && n > 1 ? (sums[c]! - v) / (n - 1) : profile.mean[c]!) / s;
      // partial Fisher–Yates: first k of a seeded permutation of 1..24
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(rand() * (MAX_HORIZON - i));
        const tmp = horizons[i]!;
        horizons[i] = horizons[j]!;
        horizons[j] = tmp;
        const h = horizons[i]!;
        const level = f.write(t - h + 1, h, x, r * FEATURE_COUNT, pLoo);
        y[r] = v / (s * level) - pLoo;
        base[r] = pLoo;
        scaleOf[r] = s * level;
        levelOf[r] = level;
        r++;
      }
    }
  }
  const l2 = cfg.l2 * Math.min(50, Math.max(1, L2_REFERENCE_SAMPLES / Math.max(1, r)));
  log(
    `training samples: ${r} (${hoursWithData} target hours × ${k} horizons, ${featuresByVenue.length} venues); leave-one-out ${leaveOneOut}, l2 ${l2.toExponential(1)}`,
  );

  const spanDays = grid.length / 24;
  const disabled = [
    ...(options.disabledFeatures ??
      (spanDays < MIN_DAYS_FOR_DAY_OF_YEAR ? ['dayOfYearSin', 'dayOfYearCos'] : [])),
  ];
  if (disabled.length > 0) log(`disabled features: ${disabled.join(', ')}`);
  zeroColumns(x, r, featureColumns(disabled));

  // --- standardisation -----------------------------------------------------------------------
  const mean = new Array<number>(FEATURE_COUNT).fill(0);
  const sq = new Array<number>(FEATURE_COUNT).fill(0);
  for (let i = 0; i < r; i++) for (let c = 0; c < FEATURE_COUNT; c++) mean[c]! += x[i * FEATURE_COUNT + c]!;
  for (let c = 0; c < FEATURE_COUNT; c++) mean[c]! /= r;
  for (let i = 0; i < r; i++)
    for (let c = 0; c < FEATURE_COUNT; c++) sq[c]! += (x[i * FEATURE_COUNT + c]! - mean[c]!) ** 2;
  // Inputs never seen in training (a holiday flag when the history holds no holiday, school breaks
  // or bookings a data set does not have, weather when it had none): their weights were never
  // fitted, so a value at serving time would be pure extrapolation. They stay 0, like here.
  const unseen = FEATURE_NAMES.filter(
    (name, c) => !disabled.includes(name) && sq[c]! / r <= 1e-12 && Math.abs(mean[c]!) <= 1e-12,
  );
  if (unseen.length > 0) {
    disabled.push(...unseen);
    log(`inputs never seen in training, fed as 0: ${unseen.join(', ')}`);
  }
  const std = sq.map((s) => {
    const sd = Math.sqrt(s / r);
    return sd > 1e-6 ? sd : 1;
  });
  const normalisation = { mean: mean.map((m, c) => (sq[c]! / r > 1e-12 ? m : 0)), std };
  standardise(x, r, normalisation);

  // --- network -------------------------------------------------------------------------------
  const network = buildNetwork({
    inputSize: FEATURE_COUNT,
    hidden: [...cfg.hidden],
    seed: cfg.seed,
  });
  const fit = await fitNetwork(network, x, y, FEATURE_COUNT, {
    epochs: cfg.epochs,
    l2,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    finalLearningRateFactor: 0.1,
    seed: cfg.seed,
    log,
  });

  // --- in-sample metrics ---------------------------------------------------------------------
  const q = runNetwork(network, x, FEATURE_COUNT);
  let maeModel = 0;
  let maeProfile = 0;
  let covered = 0;
  for (let i = 0; i < r; i++) {
    const s = scaleOf[i]!;
    const truth = (y[i]! + base[i]!) * s;
    const q50 = q[i * QUANTILES.length]!;
    const exp = Math.max(0, (base[i]! + q50) * s);
    maeModel += Math.abs(exp - truth);
    maeProfile += Math.abs((base[i]! * s) / levelOf[i]! - truth);
    const lo = Math.min(q[i * QUANTILES.length + 1]!, q50);
    const hi = Math.max(q[i * QUANTILES.length + 2]!, q50);
    if (y[i]! >= lo && y[i]! <= hi) covered++;
  }

  const now = (options.now ?? ((): Date => new Date()))();
  const scales = profiles.map((p) => p.scale);
  const ratios = Object.values(venues)
    .filter((v) => v.capacity !== null)
    .map((v) => v.scale / v.capacity!);
  let minT = Infinity;
  let maxT = -Infinity;
  for (const row of rows) {
    const t = row.at.getTime();
    if (t < minT) minT = t;
    if (t > maxT) maxT = t;
  }
  const manifest: ForecastManifest = {
    formatVersion: ARTIFACT_FORMAT_VERSION,
    version: options.version ?? versionFromDate(now),
    createdAt: now.toISOString(),
    timeZone: options.timeZone,
    featureNames: [...FEATURE_NAMES],
    quantiles: [...QUANTILES],
    target:
      'occupancy / (scale * level168h) - profile(hourOfWeek) / scale; quantiles p50, p10, p90 (pinball loss)',
    normalisation,
    disabledFeatures: disabled,
    venues,
    generic: {
      profile: genericProfile(profiles),
      scale: median(scales),
      peakToCapacity: ratios.length > 0 ? median(ratios) : null,
    },
    levelThresholds: { ...DEFAULT_LEVEL_THRESHOLDS },
    uses,
    network: { hidden: [...cfg.hidden], seed: cfg.seed, l2, leaveOneOut },
    training: {
      rows: rows.length,
      venues: Object.keys(venues).length,
      from: new Date(minT).toISOString(),
      to: new Date(maxT).toISOString(),
      hoursWithData,
      maskedStuckValues: data.maskedStuck,
      samples: r,
      epochs: cfg.epochs,
      epochLoss: fit.epochLoss,
      seconds: (performance.now() - started) / 1000,
      backend,
      inSampleMae: { model: maeModel / r, hourOfWeek: maeProfile / r },
      inSampleCoverage: covered / r,
    },
  };
  log(
    `trained in ${manifest.training.seconds.toFixed(1)} s; in-sample MAE model ${manifest.training.inSampleMae.model.toFixed(2)} vs profile ${manifest.training.inSampleMae.hourOfWeek.toFixed(2)}`,
  );
  return { manifest, network };
}
