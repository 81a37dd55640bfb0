/**
 * The guard: how far to trust the network, learnt on the most recent part of the training history.
 *
 * The trainer holds out the last weeks of its data, fits the network on the rest and scores it
 * there (evaluate.ts). Per horizon band it picks the better of the two baselines (hour-of-week
 * mean, same hour last week), and per venue and band the weight w of
 *   served = w · model + (1 − w) · baseline:
 * 1 where the network beat the baseline clearly, 0 where it did not beat it at all (the served
 * forecast IS the baseline), the best blend in between (see fitBand). Venues with too few
 * validation samples, and venues the artifact does not know, use the weights pooled over all
 * venues. The interval is the model's p10–p90 spread around the served value, scaled so that it
 * covered the nominal 80 % of the validation actuals on ordinary days (public holidays and the days
 * around them left out; see calibrateIntervals): per horizon band, times a factor per venue where
 * the venue has enough validation days.
 */
import type { WindowScores } from './evaluate.ts';

export interface HorizonBand {
  label: string;
  from: number;
  to: number;
}

/** Horizon bands the guard and the backtest report work in (h > 24 uses the last band). */
export const HORIZON_BANDS: readonly HorizonBand[] = [
  { label: 'h1', from: 1, to: 1 },
  { label: 'h2-6', from: 2, to: 6 },
  { label: 'h7-12', from: 7, to: 12 },
  { label: 'h13-24', from: 13, to: 24 },
];

export function bandOf(horizon: number): number {
  for (let b = 0; b < HORIZON_BANDS.length; b++) if (horizon <= HORIZON_BANDS[b]!.to) return b;
  return HORIZON_BANDS.length - 1;
}

export type BaselineName = 'hourOfWeek' | 'lastWeek';

export interface BandGuard {
  baseline: BaselineName;
  /** Weight of the network's forecast (0 = baseline only). */
  weight: number;
  /** Multiplier of the model's p10–p90 half-widths around the served value. */
  intervalScale: number;
}

export interface BandFigures {
  label: string;
  n: number;
  /** MAE (people) of the raw network, both baselines and the served (guarded) forecast. */
  model: number;
  hourOfWeek: number;
  lastWeek: number;
  guarded: number;
  /** Share of actuals inside [low, high]: raw network, served. */
  coverageModel: number;
  coverageGuarded: number;
}

export interface GuardManifest {
  bands: HorizonBand[];
  pooled: BandGuard[];
  venues: Record<string, BandGuard[]>;
  /** Validation window the weights were fitted on, and the figures there. */
  validation: { from: string; to: string; samples: number; byBand: BandFigures[] };
}

/** Nominal coverage of the p10–p90 interval. */
export const NOMINAL_COVERAGE = 0.8;
const WEIGHTS = Array.from({ length: 11 }, (_, i) => i / 10);
/** Below this many validation samples in a band, a venue uses the pooled weights. */
export const MIN_VENUE_BAND_SAMPLES = 150;
/** The interval never gets narrower than ± this many people (a 0-wide interval covers nothing). */
const MIN_HALF_WIDTH = 0.5;
const MAX_INTERVAL_SCALE = 6;
/** A venue gets its own interval factor with at least this many ordinary validation days. */
export const MIN_VENUE_CALIBRATION_DAYS = 14;
/** |t| from which a venue's own validation overrides the pooled weight of its band. */
export const VENUE_T = 2;
/** Least relative validation gain over the baseline for the network to get any weight. */
export const MIN_GAIN = 0.02;

/** The identity guard: the raw network (for artifacts trained without validation). */
export function identityGuard(): BandGuard[] {
  return HORIZON_BANDS.map(() => ({ baseline: 'hourOfWeek', weight: 1, intervalScale: 1 }));
}

export interface Served {
  expected: number;
  low: number;
  high: number;
}

/** Applies one band's guard to one forecast. */
export function applyGuard(
  g: BandGuard,
  model: Served,
  baselines: { hourOfWeek: number; lastWeek: number },
): Served {
  const base = g.baseline === 'lastWeek' ? baselines.lastWeek : baselines.hourOfWeek;
  const expected = Math.max(0, g.weight * model.expected + (1 - g.weight) * base);
  const down = Math.max(MIN_HALF_WIDTH, model.expected - model.low) * g.intervalScale;
  const up = Math.max(MIN_HALF_WIDTH, model.high - model.expected) * g.intervalScale;
  return { expected, low: Math.max(0, expected - down), high: expected + up };
}

/** The guard of `venue` (pooled when the venue is unknown or was not validated). */
export function guardFor(guard: GuardManifest | undefined, venue: string, horizon: number): BandGuard | null {
  if (!guard) return null;
  const b = bandOf(horizon);
  const own = Object.hasOwn(guard.venues, venue) ? guard.venues[venue] : undefined;
  return (own ?? guard.pooled)[b] ?? null;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 1;
  const s = values.sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** The better baseline over the given samples. */
function betterBaseline(s: WindowScores, idx: readonly number[]): BaselineName {
  let maeHow = 0;
  let maeLw = 0;
  for (const i of idx) {
    maeHow += Math.abs(s.hourOfWeek[i]! - s.actual[i]!);
    maeLw += Math.abs(s.lastWeek[i]! - s.actual[i]!);
  }
  return maeLw < maeHow ? 'lastWeek' : 'hourOfWeek';
}

/**
 * t statistic of (|model error| − |baseline error|) over the target days of the samples (days,
 * not hours, are the independent units: errors within a day move together). Positive: the model
 * was worse. 0 with fewer than 3 days.
 */
function dailyT(s: WindowScores, idx: readonly number[], base: Float64Array): number {
  const byDay = new Map<number, { sum: number; n: number }>();
  for (const i of idx) {
    const day = Math.floor(s.target[i]! / 86_400_000);
    const d = byDay.get(day) ?? { sum: 0, n: 0 };
    d.sum += Math.abs(s.expected[i]! - s.actual[i]!) - Math.abs(base[i]! - s.actual[i]!);
    d.n++;
    byDay.set(day, d);
  }
  const means = [...byDay.values()].map((d) => d.sum / d.n);
  const k = means.length;
  if (k < 3) return 0;
  const mean = means.reduce((a, b) => a + b, 0) / k;
  const sd = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  return sd > 0 ? mean / (sd / Math.sqrt(k)) : 0;
}

/**
 * Fits the blend weight toward `baseline` on the given samples (one band; the interval scale is
 * calibrated afterwards, for the served forecast: calibrateIntervals).
 * `pooledWeight` (per venue): the weight to keep unless this venue's validation differs from it
 * clearly (|t| ≥ VENUE_T, see dailyT) — four weeks of one venue are few days, and a venue's
 * weight fitted on them alone was measured to hurt in the weeks after (Christmas weeks decided it).
 */
function fitBand(
  s: WindowScores,
  idx: readonly number[],
  baseline: BaselineName,
  pooledWeight?: number,
): BandGuard {
  const base = baseline === 'lastWeek' ? s.lastWeek : s.hourOfWeek;
  const err = WEIGHTS.map(() => 0);
  for (const i of idx)
    for (let k = 0; k < WEIGHTS.length; k++) {
      const w = WEIGHTS[k]!;
      err[k]! += Math.abs(Math.max(0, w * s.expected[i]! + (1 - w) * base[i]!) - s.actual[i]!);
    }
  // The network earns its keep or not; the blend is only for the undecided middle:
  //  - alone it beats the baseline by MIN_GAIN or more: served as is (weight 1);
  //  - alone it is no better than the baseline: the baseline is served (weight 0);
  //  - in between: the blend weight with the lowest validation error (ties: the smaller weight).
  // Fitting the weight everywhere was measured worse: a poor network mixed in at 10–20 % looked
  // useful on the validation weeks by pulling the level the right way by chance, and a good one
  // blended 40 % toward "last week" over the Christmas weeks lost a quarter of its lead in January.
  const errBase = err[0]!;
  const errModel = err[WEIGHTS.length - 1]!;
  let best = 0;
  if (errModel <= errBase * (1 - MIN_GAIN)) best = WEIGHTS.length - 1;
  else if (errModel < errBase)
    for (let k = 1; k < WEIGHTS.length; k++) if (err[k]! < err[best]! - 1e-9) best = k;
  let weight = WEIGHTS[best]!;
  if (pooledWeight !== undefined && Math.abs(dailyT(s, idx, base)) < VENUE_T) weight = pooledWeight;
  return { baseline, weight, intervalScale: 1 };
}

/**
 * How far each validation actual fell outside the model's spread around the served value: |actual
 * − served| ÷ the model's p10–p90 half-width on that side. An interval scaled by s covers the
 * samples whose score is ≤ s (split-conformal, with the model's spread as the local scale).
 */
function conformityScores(s: WindowScores, guardOf: (i: number) => BandGuard): Float64Array {
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const g = guardOf(i);
    const e = s.expected[i]!;
    const base = g.baseline === 'lastWeek' ? s.lastWeek[i]! : s.hourOfWeek[i]!;
    const served = Math.max(0, g.weight * e + (1 - g.weight) * base);
    const a = s.actual[i]!;
    const half =
      a >= served ? Math.max(MIN_HALF_WIDTH, s.high[i]! - e) : Math.max(MIN_HALF_WIDTH, e - s.low[i]!);
    out[i] = Math.abs(a - served) / half;
  }
  return out;
}

/** Nominal quantile of the scores of `idx` (NaN when empty). */
function scaleOf(idx: readonly number[], scores: Float64Array): number {
  return idx.length > 0
    ? quantile(
        idx.map((i) => scores[i]!),
        NOMINAL_COVERAGE,
      )
    : Number.NaN;
}

function clampScale(v: number): number {
  return Number.isFinite(v) ? Math.min(MAX_INTERVAL_SCALE, Math.max(0.25, v)) : 1;
}

/**
 * Interval scales, split-conformal on the ordinary validation days: per horizon band over all
 * venues, times a venue's own factor (the nominal quantile of its scores over all bands ÷ that of
 * all venues) where the venue has MIN_VENUE_CALIBRATION_DAYS ordinary validation days. Venues
 * differ: on the shipped data's held-out months the band scales alone covered 61–88 % per venue,
 * with the factor 75–87 %; one venue's samples per band are too few to calibrate each band alone.
 *
 * Public holidays and the days before and after them are left out: they are a few days a year
 * that the next weeks mostly do not have. Validated on December, the Christmas days (25–60 % of
 * actuals inside the model's spread against ~80 % on other days) made a plain quantile widen the
 * interval so far that it covered 86 % of January–February; without them, 82 % (the rest of the
 * Christmas school break is still in). Rejected after measuring: a median over days of each day's
 * quantile, and leaving out days by how badly they were covered — both narrowed the interval on
 * ordinary weeks to 74–78 %, since badly covered Saturdays recur.
 */
function calibrateIntervals(
  s: WindowScores,
  scores: Float64Array,
  byBand: readonly number[][],
  byVenue: readonly number[][],
): { band: number[]; venueFactor: number[] } {
  const ordinary = (idx: readonly number[]) => idx.filter((i) => !s.holiday[i]);
  const band = byBand.map((idx) => {
    const own = ordinary(idx);
    // A validation window of holidays only: calibrate on what there is.
    return clampScale(scaleOf(own.length > 0 ? own : idx, scores));
  });
  const all = scaleOf(ordinary(Array.from({ length: s.length }, (_, i) => i)), scores);
  const venueFactor = byVenue.map((idx) => {
    const kept = ordinary(idx);
    const days = new Set(kept.map((i) => Math.floor(s.target[i]! / 86_400_000)));
    if (days.size < MIN_VENUE_CALIBRATION_DAYS || !(all > 0)) return 1;
    const own = scaleOf(kept, scores);
    return Number.isFinite(own) ? own / all : 1;
  });
  return { band, venueFactor };
}

function served(s: WindowScores, i: number, g: BandGuard): Served {
  return applyGuard(
    g,
    { expected: s.expected[i]!, low: s.low[i]!, high: s.high[i]! },
    { hourOfWeek: s.hourOfWeek[i]!, lastWeek: s.lastWeek[i]! },
  );
}

/** Per-band figures of `s` with each sample served through `guardOf(sample)`. */
export function bandFigures(s: WindowScores, guardOf: (i: number) => BandGuard | null): BandFigures[] {
  const acc = HORIZON_BANDS.map((b) => ({
    label: b.label,
    n: 0,
    model: 0,
    hourOfWeek: 0,
    lastWeek: 0,
    guarded: 0,
    coverageModel: 0,
    coverageGuarded: 0,
  }));
  for (let i = 0; i < s.length; i++) {
    const a = acc[bandOf(s.horizon[i]!)]!;
    const actual = s.actual[i]!;
    const g = guardOf(i);
    const out = g ? served(s, i, g) : { expected: s.expected[i]!, low: s.low[i]!, high: s.high[i]! };
    a.n++;
    a.model += Math.abs(s.expected[i]! - actual);
    a.hourOfWeek += Math.abs(s.hourOfWeek[i]! - actual);
    a.lastWeek += Math.abs(s.lastWeek[i]! - actual);
    a.guarded += Math.abs(out.expected - actual);
    if (actual >= s.low[i]! && actual <= s.high[i]!) a.coverageModel++;
    if (actual >= out.low && actual <= out.high) a.coverageGuarded++;
  }
  return acc.map((a) => {
    const n = a.n || Number.NaN;
    return {
      label: a.label,
      n: a.n,
      model: a.model / n,
      hourOfWeek: a.hourOfWeek / n,
      lastWeek: a.lastWeek / n,
      guarded: a.guarded / n,
      coverageModel: a.coverageModel / n,
      coverageGuarded: a.coverageGuarded / n,
    };
  });
}

/** Fits the guard on validation scores (see the module comment). */
export function fitGuard(s: WindowScores, window: { from: Date; to: Date }): GuardManifest {
  const byBand: number[][] = HORIZON_BANDS.map(() => []);
  const byVenueBand: number[][][] = s.venues.map(() => HORIZON_BANDS.map(() => []));
  for (let i = 0; i < s.length; i++) {
    const b = bandOf(s.horizon[i]!);
    byBand[b]!.push(i);
    byVenueBand[s.venue[i]!]![b]!.push(i);
  }
  // The baseline is chosen per band over all venues: per venue, the choice between two similar
  // baselines is mostly noise, and measured, it did not carry over to the following weeks.
  const baselines = byBand.map((idx) => betterBaseline(s, idx));
  const pooled = byBand.map((idx, b) =>
    idx.length > 0
      ? fitBand(s, idx, baselines[b]!)
      : { baseline: baselines[b]!, weight: 0, intervalScale: 1 },
  );
  const venues: Record<string, BandGuard[]> = {};
  s.venues.forEach((name, v) => {
    venues[name] = byVenueBand[v]!.map((idx, b) =>
      idx.length >= MIN_VENUE_BAND_SAMPLES
        ? fitBand(s, idx, baselines[b]!, pooled[b]!.weight)
        : { ...pooled[b]! },
    );
  });
  // Intervals are calibrated for the forecast actually served (after the weights are chosen).
  const scores = conformityScores(s, (i) => venues[s.venues[s.venue[i]!]!]![bandOf(s.horizon[i]!)]!);
  const byVenue = byVenueBand.map((bands) => bands.flat());
  const scales = calibrateIntervals(s, scores, byBand, byVenue);
  pooled.forEach((g, b) => (g.intervalScale = scales.band[b]!));
  s.venues.forEach((name, v) =>
    venues[name]!.forEach((g, b) => (g.intervalScale = clampScale(scales.band[b]! * scales.venueFactor[v]!))),
  );
  const guardOf = (i: number): BandGuard => venues[s.venues[s.venue[i]!]!]![bandOf(s.horizon[i]!)]!;
  return {
    bands: HORIZON_BANDS.map((b) => ({ ...b })),
    pooled,
    venues,
    validation: {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      samples: s.length,
      byBand: bandFigures(s, guardOf),
    },
  };
}
