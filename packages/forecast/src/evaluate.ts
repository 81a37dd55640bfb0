/**
 * Rolling-origin scoring of a forecaster on a time window, shared by the backtest and by the
 * trainer's validation (which fits the guard, guard.ts). From every local hour o in the window,
 * horizons 1..24 are forecast (target o + h − 1) from data before o only; each target inside the
 * window that has data is one sample, with the raw model's p50/p10/p90 and both baselines.
 */
import type { OccupancyRow } from './types.ts';
import { buildHourlyDataset } from './series.ts';
import { FeatureBatch, applyForecaster } from './forecaster.ts';
import type { Forecaster } from './forecaster.ts';
import { buildVenueFeatures, holidayFlagsFor } from './venue-context.ts';
import { resolveVenue } from './predict.ts';
import { hourOfWeekForecast, lastWeekForecast } from './baselines.ts';

export const SCORED_HORIZONS = 24;

/** Column-wise samples of one window. */
export interface WindowScores {
  venues: string[];
  length: number;
  venue: Uint16Array;
  horizon: Uint8Array;
  /** Target hour start (ms). */
  target: Float64Array;
  actual: Float64Array;
  /** The raw network's forecast (p50, p10, p90). */
  expected: Float64Array;
  low: Float64Array;
  high: Float64Array;
  /** Baselines: hour-of-week mean of the training data; same hour last week (else the former). */
  hourOfWeek: Float64Array;
  lastWeek: Float64Array;
  /** Venue scale (usual peak), for busy levels. */
  scale: Float64Array;
  /** 1 when the target's local day is a public holiday or the day before or after one. */
  holiday: Uint8Array;
  origins: number;
}

export interface ScoreWindowOptions {
  timeZone: string;
  fromMs: number;
  toMs: number;
  /** Score every n-th origin hour only (validation uses 2 to halve the work). */
  originStride?: number;
}

export function scoreWindow(
  forecaster: Forecaster,
  rows: readonly OccupancyRow[],
  options: ScoreWindowOptions,
): WindowScores {
  const m = forecaster.manifest;
  const t0 = options.fromMs;
  const t1 = options.toMs;
  const stride = Math.max(1, Math.floor(options.originStride ?? 1));
  const data = buildHourlyDataset(rows, options.timeZone, { fromMs: t0, toMs: t1 - 1 });
  const grid = data.grid;
  let firstOrigin = grid.index(t0);
  if (grid.time(firstOrigin) < t0) firstOrigin++;
  let endOrigin = grid.index(t1 - 1) + 1; // exclusive
  if (grid.time(endOrigin - 1) >= t1) endOrigin--;

  const batch = new FeatureBatch(1 << 16);
  const venues: string[] = [];
  const meta = {
    venue: [] as number[],
    h: [] as number[],
    t: [] as number[],
    actual: [] as number[],
    how: [] as number[],
    lw: [] as number[],
    scale: [] as number[],
    holiday: [] as number[],
  };
  for (const [name, hours] of data.venues) {
    const vi = venues.push(name) - 1;
    const view = resolveVenue(m, name, {
      capacity: hours.capacity,
      grid,
      history: hours.history.map((v, i) => (grid.time(i) < t0 ? v : Number.NaN)),
    });
    const f = buildVenueFeatures(grid, hours, view, m.uses);
    const flags = holidayFlagsFor(grid, view.region, hours.holidayOverride, hours.schoolOverride);
    for (let o = firstOrigin; o < endOrigin; o += stride) {
      for (let h = 1; h <= SCORED_HORIZONS; h++) {
        const t = o + h - 1;
        if (t >= grid.length || grid.time(t) >= t1) break;
        const truth = hours.truth[t]!;
        if (Number.isNaN(truth)) continue;
        batch.add(f, o, h);
        meta.venue.push(vi);
        meta.h.push(h);
        meta.t.push(grid.time(t));
        meta.actual.push(truth);
        meta.how.push(hourOfWeekForecast(view.profile, grid, t));
        meta.lw.push(lastWeekForecast(hours.history, view.profile, grid, t, o));
        meta.scale.push(view.scale);
        meta.holiday.push(flags.today[t]! | flags.eve[t]! | flags.after[t]!);
      }
    }
  }
  const res = applyForecaster(forecaster, batch);
  const n = batch.length;
  return {
    venues,
    length: n,
    venue: Uint16Array.from(meta.venue),
    horizon: Uint8Array.from(meta.h),
    target: Float64Array.from(meta.t),
    actual: Float64Array.from(meta.actual),
    expected: res.expected.slice(0, n),
    low: res.low.slice(0, n),
    high: res.high.slice(0, n),
    hourOfWeek: Float64Array.from(meta.how),
    lastWeek: Float64Array.from(meta.lw),
    scale: Float64Array.from(meta.scale),
    holiday: Uint8Array.from(meta.holiday),
    origins: Math.max(0, Math.ceil((endOrigin - firstOrigin) / stride)),
  };
}
