/**
 * Rolling-origin backtest.
 *
 * Train on rows before `testStart`; then from every local hour o in [testStart, testEnd) forecast
 * horizons h = 1..24 (target hour = o + h − 1, see features.ts), using only data before o.
 * Ground truth = hourly mean of the (stuck-masked) samples; only target hours inside the test
 * window that have data are scored. MAE overall and per horizon for the model and two baselines:
 * hour-of-week mean over the training data, and same hour last week (falling back to the former).
 */
import type { OccupancyRow } from './types.ts';
import { trainForecaster } from './trainer.ts';
import type { TrainOptions } from './trainer.ts';
import { buildHourlyDataset } from './series.ts';
import { FeatureBatch, applyForecaster } from './forecaster.ts';
import type { Forecaster, TrainingSummary } from './forecaster.ts';
import { buildVenueFeatures } from './venue-context.ts';
import { resolveVenue } from './predict.ts';
import { hourOfWeekForecast, lastWeekForecast } from './baselines.ts';
import { busyLevel } from './levels.ts';

export const BACKTEST_HORIZONS = 24;

export interface MaeSummary {
  mae: number;
  maeByHorizon: number[];
}

export interface BacktestResult {
  model: MaeSummary & {
    /** Share of scored targets inside [low, high] (nominal 80%). */
    intervalCoverage: number;
    /** Share of scored targets whose predicted busy level equals the level of the actual value. */
    levelAccuracy: number;
  };
  baselines: { hourOfWeek: MaeSummary; lastWeek: MaeSummary };
  /** CSV/input rows read. */
  rows: number;
  /** Distinct venues in the input. */
  venues: number;
  trainRows: number;
  origins: number;
  /** Scored (origin, horizon, venue) forecasts, overall and per horizon. */
  evaluated: number;
  evaluatedByHorizon: number[];
  testStart: string;
  testEnd: string;
  timing: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  training: TrainingSummary;
}

export interface ScoredForecast {
  venue: string;
  origin: Date;
  horizon: number;
  target: Date;
  actual: number;
  expected: number;
  low: number;
  high: number;
  hourOfWeek: number;
  lastWeek: number;
}

export interface BacktestOptions {
  timeZone: string;
  testStart: Date;
  testEnd: Date;
  train?: Omit<TrainOptions, 'timeZone'>;
  log?: (message: string) => void;
  /** Called for every scored forecast (for error analysis). */
  onForecast?: (f: ScoredForecast) => void;
  /** Use an already trained forecaster instead of training one (must be trained on data before testStart). */
  forecaster?: Forecaster;
}

class MaeAccumulator {
  readonly sum = new Float64Array(BACKTEST_HORIZONS);
  readonly n = new Float64Array(BACKTEST_HORIZONS);
  add(h: number, err: number): void {
    this.sum[h - 1]! += Math.abs(err);
    this.n[h - 1]!++;
  }
  summary(): MaeSummary {
    let s = 0;
    let n = 0;
    const by: number[] = [];
    for (let i = 0; i < BACKTEST_HORIZONS; i++) {
      s += this.sum[i]!;
      n += this.n[i]!;
      by.push(this.n[i]! > 0 ? this.sum[i]! / this.n[i]! : Number.NaN);
    }
    return { mae: n > 0 ? s / n : Number.NaN, maeByHorizon: by };
  }
}

export async function runBacktest(
  rows: readonly OccupancyRow[],
  options: BacktestOptions,
): Promise<BacktestResult> {
  const started = performance.now();
  const log = options.log ?? ((): void => {});
  const t0 = options.testStart.getTime();
  const t1 = options.testEnd.getTime();
  if (!(t0 < t1)) throw new RangeError('test start must be before test end');
  const trainRows = rows.filter((r) => r.at.getTime() < t0);
  if (trainRows.length === 0) throw new RangeError('no rows before the test start to train on');
  if (!trainRows.some((r) => r.occupancy !== null))
    throw new RangeError('no occupancy values before the test start');

  const forecaster =
    options.forecaster ??
    (await trainForecaster(trainRows, {
      ...options.train,
      timeZone: options.timeZone,
      ...(options.log ? { log } : {}),
    }));
  const trainSeconds = (performance.now() - started) / 1000;
  const evalStarted = performance.now();
  const m = forecaster.manifest;

  const data = buildHourlyDataset(rows, options.timeZone, { fromMs: t0, toMs: t1 - 1 });
  const grid = data.grid;
  let firstOrigin = grid.index(t0);
  if (grid.time(firstOrigin) < t0) firstOrigin++;
  let endOrigin = grid.index(t1 - 1) + 1; // exclusive
  if (grid.time(endOrigin - 1) >= t1) endOrigin--;

  const model = new MaeAccumulator();
  const how = new MaeAccumulator();
  const lastWeek = new MaeAccumulator();
  const batch = new FeatureBatch(1 << 16);
  const meta: {
    truth: number[];
    h: number[];
    scale: number[];
    venue: string[];
    t: number[];
    how: number[];
    lw: number[];
  } = {
    truth: [],
    h: [],
    scale: [],
    venue: [],
    t: [],
    how: [],
    lw: [],
  };
  for (const [name, hours] of data.venues) {
    const view = resolveVenue(m, name, {
      capacity: hours.capacity,
      grid,
      history: hours.history.map((v, i) => (grid.time(i) < t0 ? v : Number.NaN)),
    });
    const f = buildVenueFeatures(grid, hours, view, m.uses);
    for (let o = firstOrigin; o < endOrigin; o++) {
      for (let h = 1; h <= BACKTEST_HORIZONS; h++) {
        const t = o + h - 1;
        if (t >= grid.length || grid.time(t) >= t1) break;
        const truth = hours.truth[t]!;
        if (Number.isNaN(truth)) continue;
        batch.add(f, o, h);
        meta.truth.push(truth);
        meta.h.push(h);
        meta.scale.push(view.scale);
        const fHow = hourOfWeekForecast(view.profile, grid, t);
        const fLw = lastWeekForecast(hours.history, view.profile, grid, t, o);
        how.add(h, fHow - truth);
        lastWeek.add(h, fLw - truth);
        if (options.onForecast) {
          meta.venue.push(name);
          meta.t.push(t);
          meta.how.push(fHow);
          meta.lw.push(fLw);
        }
      }
    }
  }
  log(`scoring ${batch.length} forecasts from ${Math.max(0, endOrigin - firstOrigin)} origins`);
  const res = applyForecaster(forecaster, batch);
  let covered = 0;
  let levelHits = 0;
  for (let r = 0; r < batch.length; r++) {
    const truth = meta.truth[r]!;
    const h = meta.h[r]!;
    model.add(h, res.expected[r]! - truth);
    if (truth >= res.low[r]! && truth <= res.high[r]!) covered++;
    if (
      busyLevel(res.expected[r]!, meta.scale[r]!, m.levelThresholds) ===
      busyLevel(truth, meta.scale[r]!, m.levelThresholds)
    )
      levelHits++;
    if (options.onForecast) {
      const t = meta.t[r]!;
      options.onForecast({
        venue: meta.venue[r]!,
        origin: new Date(grid.time(t - h + 1)),
        horizon: h,
        target: new Date(grid.time(t)),
        actual: truth,
        expected: res.expected[r]!,
        low: res.low[r]!,
        high: res.high[r]!,
        hourOfWeek: meta.how[r]!,
        lastWeek: meta.lw[r]!,
      });
    }
  }
  const n = batch.length;
  const evaluateSeconds = (performance.now() - evalStarted) / 1000;
  return {
    model: {
      ...model.summary(),
      intervalCoverage: n > 0 ? covered / n : Number.NaN,
      levelAccuracy: n > 0 ? levelHits / n : Number.NaN,
    },
    baselines: { hourOfWeek: how.summary(), lastWeek: lastWeek.summary() },
    rows: rows.length,
    venues: data.venues.size,
    trainRows: trainRows.length,
    origins: Math.max(0, endOrigin - firstOrigin),
    evaluated: n,
    evaluatedByHorizon: Array.from(model.n),
    testStart: new Date(t0).toISOString(),
    testEnd: new Date(t1).toISOString(),
    timing: { trainSeconds, evaluateSeconds, totalSeconds: (performance.now() - started) / 1000 },
    training: m.training,
  };
}

/** Human-readable table of a backtest result. */
export function formatBacktestTable(r: BacktestResult): string {
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
  const pct = (model: number, base: number): string =>
    Number.isFinite(model) && base > 0 ? `${(((model - base) / base) * 100).toFixed(1)}%` : 'n/a';
  const lines: string[] = [];
  lines.push(
    `rows ${r.rows}, venues ${r.venues}, training rows ${r.trainRows}, origins ${r.origins}, scored forecasts ${r.evaluated}`,
  );
  lines.push(
    `test window ${r.testStart} .. ${r.testEnd} (exclusive); train ${r.timing.trainSeconds.toFixed(1)} s, evaluate ${r.timing.evaluateSeconds.toFixed(1)} s`,
  );
  lines.push('');
  const header = ['horizon', 'model', 'hourOfWeek', 'lastWeek', 'vs best', 'n'];
  const table: string[][] = [header];
  const row = (label: string, mm: number, a: number, b: number, n: number): string[] => [
    label,
    f(mm),
    f(a),
    f(b),
    pct(mm, Math.min(a, b)),
    String(n),
  ];
  table.push(row('all', r.model.mae, r.baselines.hourOfWeek.mae, r.baselines.lastWeek.mae, r.evaluated));
  for (let h = 0; h < BACKTEST_HORIZONS; h++) {
    table.push(
      row(
        `${h + 1}h`,
        r.model.maeByHorizon[h]!,
        r.baselines.hourOfWeek.maeByHorizon[h]!,
        r.baselines.lastWeek.maeByHorizon[h]!,
        r.evaluatedByHorizon[h]!,
      ),
    );
  }
  const widths = header.map((_, c) => Math.max(...table.map((t) => t[c]!.length)));
  for (const t of table)
    lines.push(
      t.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
  lines.push('');
  lines.push(
    `MAE in people (hourly mean headcount). "vs best" = model vs. the better baseline at that horizon.`,
  );
  lines.push(
    `model p10–p90 interval coverage ${(r.model.intervalCoverage * 100).toFixed(1)}%, busy-level accuracy ${(r.model.levelAccuracy * 100).toFixed(1)}%`,
  );
  return lines.join('\n');
}
