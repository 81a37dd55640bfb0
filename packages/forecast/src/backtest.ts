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
import type { GuardManifest } from './guard.ts';
import type { Forecaster, TrainingSummary } from './forecaster.ts';
import { busyLevel } from './levels.ts';
import { scoreWindow } from './evaluate.ts';
import { applyGuard, bandFigures, guardFor, type BandFigures, type BandGuard } from './guard.ts';
import { HOUR_MS } from './calendar.ts';

export const BACKTEST_HORIZONS = 24;

export interface MaeSummary {
  mae: number;
  maeByHorizon: number[];
}

export interface BacktestResult {
  /** The served forecast: the network through its guard (= rawModel for an artifact without one). */
  model: MaeSummary & {
    /** Share of scored targets inside [low, high] (nominal 80%). */
    intervalCoverage: number;
    /** Share of scored targets whose predicted busy level equals the level of the actual value. */
    levelAccuracy: number;
  };
  /** The network alone. */
  rawModel: MaeSummary & { intervalCoverage: number };
  /** Per horizon band: raw network, baselines, served; interval coverage raw and served. */
  bands: BandFigures[];
  /** Whether the artifact had a guard. */
  guarded: boolean;
  /** The guard's own validation window and figures (inside the training data). */
  validation: GuardManifest['validation'] | null;
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
  /** Served (guarded) forecast. */
  expected: number;
  low: number;
  high: number;
  /** The network alone. */
  rawExpected: number;
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

  const s = scoreWindow(forecaster, rows, { timeZone: options.timeZone, fromMs: t0, toMs: t1 });
  log(`scored ${s.length} forecasts from ${s.origins} origins`);
  const raw = new MaeAccumulator();
  const served = new MaeAccumulator();
  const how = new MaeAccumulator();
  const lastWeek = new MaeAccumulator();
  let coveredRaw = 0;
  let covered = 0;
  let levelHits = 0;
  const guardOf = (i: number): BandGuard | null => guardFor(m.guard, s.venues[s.venue[i]!]!, s.horizon[i]!);
  for (let i = 0; i < s.length; i++) {
    const h = s.horizon[i]!;
    const actual = s.actual[i]!;
    const model = { expected: s.expected[i]!, low: s.low[i]!, high: s.high[i]! };
    const g = guardOf(i);
    const out = g ? applyGuard(g, model, { hourOfWeek: s.hourOfWeek[i]!, lastWeek: s.lastWeek[i]! }) : model;
    raw.add(h, model.expected - actual);
    served.add(h, out.expected - actual);
    how.add(h, s.hourOfWeek[i]! - actual);
    lastWeek.add(h, s.lastWeek[i]! - actual);
    if (actual >= model.low && actual <= model.high) coveredRaw++;
    if (actual >= out.low && actual <= out.high) covered++;
    if (
      busyLevel(out.expected, s.scale[i]!, m.levelThresholds) ===
      busyLevel(actual, s.scale[i]!, m.levelThresholds)
    )
      levelHits++;
    if (options.onForecast) {
      const target = s.target[i]!;
      options.onForecast({
        venue: s.venues[s.venue[i]!]!,
        origin: new Date(target - (h - 1) * HOUR_MS),
        horizon: h,
        target: new Date(target),
        actual,
        expected: out.expected,
        low: out.low,
        high: out.high,
        rawExpected: model.expected,
        hourOfWeek: s.hourOfWeek[i]!,
        lastWeek: s.lastWeek[i]!,
      });
    }
  }
  const n = s.length;
  const evaluateSeconds = (performance.now() - evalStarted) / 1000;
  return {
    model: {
      ...served.summary(),
      intervalCoverage: n > 0 ? covered / n : Number.NaN,
      levelAccuracy: n > 0 ? levelHits / n : Number.NaN,
    },
    rawModel: { ...raw.summary(), intervalCoverage: n > 0 ? coveredRaw / n : Number.NaN },
    bands: bandFigures(s, guardOf),
    guarded: m.guard !== undefined,
    validation: m.guard?.validation ?? null,
    baselines: { hourOfWeek: how.summary(), lastWeek: lastWeek.summary() },
    rows: rows.length,
    venues: s.venues.length,
    trainRows: trainRows.length,
    origins: s.origins,
    evaluated: n,
    evaluatedByHorizon: Array.from(served.n),
    testStart: new Date(t0).toISOString(),
    testEnd: new Date(t1).toISOString(),
    timing: { trainSeconds, evaluateSeconds, totalSeconds: (performance.now() - started) / 1000 },
    training: m.training,
  };
}

/** Human-readable table of a backtest result. */
export function formatBacktestTable(r: BacktestResult): string {
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
  const ratio = (model: number, base: number): string =>
    Number.isFinite(model) && base > 0 ? (model / base).toFixed(2) : 'n/a';
  const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
  const lines: string[] = [];
  lines.push(
    `rows ${r.rows}, venues ${r.venues}, training rows ${r.trainRows}, origins ${r.origins}, scored forecasts ${r.evaluated}`,
  );
  lines.push(
    `test window ${r.testStart} .. ${r.testEnd} (exclusive); train ${r.timing.trainSeconds.toFixed(1)} s, evaluate ${r.timing.evaluateSeconds.toFixed(1)} s`,
  );
  lines.push(
    r.validation
      ? `guard fitted on ${r.validation.from} .. ${r.validation.to} (${r.validation.samples} validation forecasts)`
      : 'no guard: the raw network is served',
  );
  const render = (header: string[], table: string[][]): void => {
    const all = [header, ...table];
    const widths = header.map((_, c) => Math.max(...all.map((t) => t[c]!.length)));
    for (const t of all)
      lines.push(
        t.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
      );
  };
  lines.push('');
  const bandHeader = [
    'band',
    'served',
    'raw',
    'hourOfWeek',
    'lastWeek',
    'served/best',
    'raw/best',
    'cover',
    'cover raw',
    'n',
  ];
  const bandRow = (
    label: string,
    served: number,
    raw: number,
    how: number,
    lw: number,
    cov: number,
    covRaw: number,
    n: number,
  ): string[] => [
    label,
    f(served),
    f(raw),
    f(how),
    f(lw),
    ratio(served, Math.min(how, lw)),
    ratio(raw, Math.min(how, lw)),
    pct(cov),
    pct(covRaw),
    String(n),
  ];
  render(bandHeader, [
    bandRow(
      'all',
      r.model.mae,
      r.rawModel.mae,
      r.baselines.hourOfWeek.mae,
      r.baselines.lastWeek.mae,
      r.model.intervalCoverage,
      r.rawModel.intervalCoverage,
      r.evaluated,
    ),
    ...r.bands.map((b) =>
      bandRow(b.label, b.guarded, b.model, b.hourOfWeek, b.lastWeek, b.coverageGuarded, b.coverageModel, b.n),
    ),
  ]);
  lines.push('');
  const header = ['horizon', 'model', 'raw', 'hourOfWeek', 'lastWeek', 'vs best', 'n'];
  const table: string[][] = [];
  for (let h = 0; h < BACKTEST_HORIZONS; h++) {
    const a = r.baselines.hourOfWeek.maeByHorizon[h]!;
    const b = r.baselines.lastWeek.maeByHorizon[h]!;
    const mm = r.model.maeByHorizon[h]!;
    table.push([
      `${h + 1}h`,
      f(mm),
      f(r.rawModel.maeByHorizon[h]!),
      f(a),
      f(b),
      ratio(mm, Math.min(a, b)),
      String(r.evaluatedByHorizon[h]!),
    ]);
  }
  render(header, table);
  lines.push('');
  lines.push(
    'MAE in people (hourly mean headcount). served = the network through its guard (what the API returns); raw = the network alone;',
  );
  lines.push(
    '"/best" = MAE ÷ the better baseline in that band (below 1 beats both). cover = share of actuals inside the p10–p90 interval (nominal 80%).',
  );
  lines.push(`busy-level accuracy ${pct(r.model.levelAccuracy)}`);
  return lines.join('\n');
}
