/**
 * A trained forecaster = manifest (profiles, normalisation, settings, metrics — all plain JSON)
 * + the TF.js network. `FeatureBatch` collects feature rows; `applyForecaster` turns them into
 * headcount forecasts (expected, p10 low, p90 high).
 */
import type { tf } from './model.ts';
import { QUANTILES, runNetwork } from './model.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.ts';
import type { VenueFeatures } from './features.ts';
import type { HolidayRegion } from './holidays.ts';
import type { LevelThresholds } from './levels.ts';
import type { GuardManifest } from './guard.ts';
import type { VenueAttributes } from './cold-start.ts';

export const ARTIFACT_FORMAT_VERSION = 1;

export interface VenueModelInfo {
  /** 168 hour-of-week means (raw headcount), Monday 00h first, local time. */
  profile: number[];
  /** Training hours behind each cell. */
  count: number[];
  /** Usual peak (max of profile), used for normalisation and busy levels. */
  scale: number;
  region: HolidayRegion;
  capacity: number | null;
  /** Kind and place, for finding similar venues at a cold start (absent: unknown). */
  attributes?: VenueAttributes;
}

export interface TrainingSummary {
  rows: number;
  venues: number;
  from: string;
  to: string;
  hoursWithData: number;
  maskedStuckValues: number;
  samples: number;
  epochs: number;
  epochLoss: number[];
  seconds: number;
  backend: string;
  /** In-sample MAE (headcount) on the training samples, model vs. hour-of-week profile. */
  inSampleMae: { model: number; hourOfWeek: number };
  /** Share of training targets inside [p10, p90]. */
  inSampleCoverage: number;
}

export interface ForecastManifest {
  formatVersion: typeof ARTIFACT_FORMAT_VERSION;
  version: string;
  createdAt: string;
  timeZone: string;
  featureNames: string[];
  /** Network output order. */
  quantiles: number[];
  /** What the network predicts. */
  target: string;
  normalisation: { mean: number[]; std: number[] };
  /** Features switched off by configuration (always fed as 0). */
  disabledFeatures: string[];
  venues: Record<string, VenueModelInfo>;
  /** Fallbacks for venues unknown to the artifact. */
  generic: {
    /** Mean normalised profile (peak-normalised, 168 values). */
    profile: number[];
    /** Median venue scale. */
    scale: number;
    /** Median of scale / capacity over venues with a known capacity, else null. */
    peakToCapacity: number | null;
  };
  levelThresholds: LevelThresholds;
  uses: ModelInputs;
  network: { hidden: number[]; seed: number; l2: number; leaveOneOut: boolean };
  training: TrainingSummary;
  /** How far to trust the network per venue and horizon band (absent: the raw network). */
  guard?: GuardManifest;
}

/** Which optional inputs the network was trained with, and the weather range it saw. */
export interface ModelInputs {
  weather: boolean;
  bookings: boolean;
  /**
   * Range of the weather in the training data. Outside it the network would extrapolate (trained
   * on winter, asked about a warm spring day), so weather outside it is fed as "no weather".
   * Absent in artifacts made before it existed: no limit.
   */
  weatherRange?: { temperatureC: [number, number]; precipitationMm: [number, number] };
}

export interface Forecaster {
  manifest: ForecastManifest;
  network: tf.LayersModel;
}

/**
 * Growable matrix of feature rows plus, per row, the normalised profile at the target and the
 * effective scale (venue scale × current level) that turns network outputs into headcounts.
 */
export class FeatureBatch {
  x: Float32Array;
  profileLevel: Float64Array;
  scale: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.x = new Float32Array(capacity * FEATURE_COUNT);
    this.profileLevel = new Float64Array(capacity);
    this.scale = new Float64Array(capacity);
  }

  private grow(): void {
    const cap = this.profileLevel.length * 2;
    const x = new Float32Array(cap * FEATURE_COUNT);
    x.set(this.x);
    const p = new Float64Array(cap);
    p.set(this.profileLevel);
    const s = new Float64Array(cap);
    s.set(this.scale);
    this.x = x;
    this.profileLevel = p;
    this.scale = s;
  }

  /** Adds the features of (origin, horizon) for one venue; returns the row index. */
  add(features: VenueFeatures, origin: number, horizon: number): number {
    if (this.length === this.profileLevel.length) this.grow();
    const r = this.length++;
    const level = features.write(origin, horizon, this.x, r * FEATURE_COUNT);
    this.profileLevel[r] = features.profileLevel[origin + horizon - 1]!;
    this.scale[r] = features.inputs.scale * level;
    return r;
  }
}

export interface BatchForecast {
  expected: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

/** Column indices of the named features. */
export function featureColumns(names: readonly string[]): number[] {
  return names.map((n) => {
    const i = (FEATURE_NAMES as readonly string[]).indexOf(n);
    if (i < 0) throw new RangeError(`unknown feature "${n}"`);
    return i;
  });
}

/** Zeroes the given columns of a row-major feature matrix. */
export function zeroColumns(x: Float32Array, n: number, columns: readonly number[]): void {
  if (columns.length === 0) return;
  for (let r = 0; r < n; r++) for (const c of columns) x[r * FEATURE_COUNT + c] = 0;
}

/** Standardises features in place (x - mean) / std. */
export function standardise(x: Float32Array, n: number, norm: { mean: number[]; std: number[] }): void {
  const f = norm.mean.length;
  for (let r = 0; r < n; r++) {
    const base = r * f;
    for (let c = 0; c < f; c++) x[base + c] = (x[base + c]! - norm.mean[c]!) / norm.std[c]!;
  }
}

/**
 * Headcount forecasts for every row of `batch`: expected = (profile + q50) · scale · level, low/high from
 * q10/q90 (ordered around the median), all clipped at 0.
 */
export function applyForecaster(forecaster: Forecaster, batch: FeatureBatch): BatchForecast {
  const n = batch.length;
  const x = batch.x.slice(0, n * FEATURE_COUNT);
  zeroColumns(x, n, featureColumns(forecaster.manifest.disabledFeatures ?? []));
  standardise(x, n, forecaster.manifest.normalisation);
  const q = runNetwork(forecaster.network, x, FEATURE_COUNT);
  const expected = new Float64Array(n);
  const low = new Float64Array(n);
  const high = new Float64Array(n);
  const k = QUANTILES.length;
  for (let r = 0; r < n; r++) {
    const p = batch.profileLevel[r]!;
    const s = batch.scale[r]!;
    const q50 = q[r * k]!;
    const q10 = q[r * k + 1]!;
    const q90 = q[r * k + 2]!;
    expected[r] = Math.max(0, (p + q50) * s);
    low[r] = Math.max(0, (p + Math.min(q10, q50)) * s);
    high[r] = Math.max(0, (p + Math.max(q90, q50)) * s);
  }
  return { expected, low, high };
}
