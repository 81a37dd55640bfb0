// The guard on the shipped data: where the network is worse than the better baseline on a held-out
// window, the served forecast is not, in every horizon band.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readOccupancyCsv, SHIPPED_OCCUPANCY_CSV } from '../src/csv.ts';
import { parseInstant } from '../src/calendar.ts';
import { runBacktest, type BacktestResult } from '../src/backtest.ts';
import { applyGuard, bandOf, fitGuard, HORIZON_BANDS, NOMINAL_COVERAGE } from '../src/guard.ts';
import type { WindowScores } from '../src/evaluate.ts';
import type { OccupancyRow } from '../src/types.ts';

const TZ = 'Europe/Zurich';
const VENUES = new Set([
  'Fitnesspark Zürich Puls 5',
  'Fitnesspark Baden Trafo',
  'Fitnesspark Luzern National',
  'Fitnesspark Bern City',
]);

describe('guard on the shipped data', () => {
  let rows: OccupancyRow[];
  let result: BacktestResult;

  before(async () => {
    const from = parseInstant('2025-08-25', TZ)!.getTime();
    const to = parseInstant('2025-12-01', TZ)!.getTime();
    rows = (await readOccupancyCsv(SHIPPED_OCCUPANCY_CSV)).rows.filter(
      (r) => VENUES.has(r.venue) && r.at.getTime() >= from && r.at.getTime() < to,
    );
    // A network fitted far too aggressively (learning rate ×150): the kind of model a careless
    // retraining produces. Trained on 11 weeks, its guard validated on the last 2 of them, then
    // tested on the 2 weeks after.
    result = await runBacktest(rows, {
      timeZone: TZ,
      testStart: parseInstant('2025-11-17', TZ)!,
      testEnd: parseInstant('2025-12-01', TZ)!,
      train: { epochs: 1, hidden: [16], horizonsPerTarget: 2, learningRate: 0.3, validationDays: 14 },
    });
  });

  it('holds a held-out window where the raw network is worse than the better baseline', () => {
    assert.equal(result.guarded, true);
    assert.equal(result.venues, VENUES.size);
    const worse = result.bands.filter((b) => b.model > Math.min(b.hourOfWeek, b.lastWeek));
    assert.ok(
      worse.length > 0,
      `the raw network should lose somewhere: ${JSON.stringify(result.bands.map((b) => [b.label, b.model, b.hourOfWeek, b.lastWeek]))}`,
    );
  });

  it('serves a forecast no worse than the better baseline in every band', () => {
    assert.equal(result.bands.length, HORIZON_BANDS.length);
    for (const b of result.bands) {
      const best = Math.min(b.hourOfWeek, b.lastWeek);
      assert.ok(b.n > 500, `${b.label}: ${b.n} scored forecasts`);
      assert.ok(
        b.guarded <= best,
        `${b.label}: served ${b.guarded.toFixed(3)} vs raw ${b.model.toFixed(3)}, hourOfWeek ${b.hourOfWeek.toFixed(3)}, lastWeek ${b.lastWeek.toFixed(3)}`,
      );
    }
  });

  it('reports interval coverage per band near the nominal 80 %', () => {
    for (const b of result.bands)
      assert.ok(b.coverageGuarded > 0.6 && b.coverageGuarded < 0.95, `${b.label}: ${b.coverageGuarded}`);
  });
});

describe('applyGuard', () => {
  it('serves the baseline at weight 0 and the network at weight 1, with the interval scaled', () => {
    const model = { expected: 50, low: 40, high: 70 };
    const baselines = { hourOfWeek: 30, lastWeek: 20 };
    assert.deepEqual(applyGuard({ baseline: 'lastWeek', weight: 0, intervalScale: 1 }, model, baselines), {
      expected: 20,
      low: 10,
      high: 40,
    });
    assert.deepEqual(applyGuard({ baseline: 'hourOfWeek', weight: 1, intervalScale: 2 }, model, baselines), {
      expected: 50,
      low: 30,
      high: 90,
    });
    assert.equal(
      applyGuard({ baseline: 'hourOfWeek', weight: 0.5, intervalScale: 1 }, model, baselines).expected,
      40,
    );
  });

  it('puts horizons into the bands h1, h2-6, h7-12, h13-24 (longer ones into the last)', () => {
    assert.deepEqual([1, 2, 6, 7, 12, 13, 24, 100].map(bandOf), [0, 1, 1, 2, 2, 3, 3, 3]);
  });
});

describe('interval calibration', () => {
  const DAY_MS = 86_400_000;
  /**
   * Validation scores of two venues over 28 days, 24 horizons a day: the model says 100 with a
   * ±10 spread. On ordinary days the actual misses by |k − 12| (0..12, uniform), venue "wide"
   * by twice that; on the `holidayDays` (public holidays and the days around them) by 60.
   */
  function scores(holidayDays: ReadonlySet<number>): WindowScores {
    const rows: Array<{ v: number; h: number; t: number; a: number; hol: number }> = [];
    for (let d = 0; d < 28; d++)
      for (const v of [0, 1])
        for (let h = 1; h <= 24; h++) {
          const miss = holidayDays.has(d) ? 60 : Math.abs(((d * 7 + h * 5) % 25) - 12) * (v + 1);
          rows.push({
            v,
            h,
            t: d * DAY_MS + h * 3_600_000,
            a: 100 + (h % 2 ? miss : -miss),
            hol: +holidayDays.has(d),
          });
        }
    const col = (f: (r: (typeof rows)[number]) => number) => Float64Array.from(rows.map(f));
    return {
      venues: ['narrow', 'wide'],
      length: rows.length,
      venue: Uint16Array.from(rows.map((r) => r.v)),
      horizon: Uint8Array.from(rows.map((r) => r.h)),
      target: col((r) => r.t),
      actual: col((r) => r.a),
      expected: col(() => 100),
      low: col(() => 90),
      high: col(() => 110),
      hourOfWeek: col(() => 150),
      lastWeek: col(() => 150),
      scale: col(() => 200),
      holiday: Uint8Array.from(rows.map((r) => r.hol)),
      origins: 28 * 24,
    };
  }
  const window = { from: new Date(0), to: new Date(28 * DAY_MS) };
  const coverage = (s: WindowScores, g: ReturnType<typeof fitGuard>, venue?: number) => {
    let inside = 0;
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      if (s.holiday[i] || (venue !== undefined && s.venue[i] !== venue)) continue;
      const b = g.venues[s.venues[s.venue[i]!]!]![bandOf(s.horizon[i]!)]!;
      const out = applyGuard(b, { expected: 100, low: 90, high: 110 }, { hourOfWeek: 150, lastWeek: 150 });
      n++;
      if (s.actual[i]! >= out.low && s.actual[i]! <= out.high) inside++;
    }
    return inside / n;
  };

  it('scales the interval per venue to cover the nominal share of ordinary days', () => {
    const s = scores(new Set());
    const g = fitGuard(s, window);
    for (const v of [0, 1]) {
      const c = coverage(s, g, v);
      assert.ok(Math.abs(c - NOMINAL_COVERAGE) < 0.05, `${s.venues[v]}: ${c}`);
    }
    assert.ok(g.venues.wide![0]!.intervalScale > 1.5 * g.venues.narrow![0]!.intervalScale);
  });

  it('leaves public holidays and the days around them out of the calibration', () => {
    // A quarter of the validation days are holidays, missed by 60: a plain quantile over all
    // samples would stretch the interval to cover them (scale ≥ 6).
    const ordinary = fitGuard(scores(new Set()), window);
    const s = scores(new Set([20, 21, 22, 23, 24, 25, 26]));
    const g = fitGuard(s, window);
    for (const [b, band] of g.pooled.entries())
      assert.ok(
        Math.abs(band.intervalScale - ordinary.pooled[b]!.intervalScale) <=
          0.15 * ordinary.pooled[b]!.intervalScale,
        `${HORIZON_BANDS[b]!.label}: ${band.intervalScale} vs ${ordinary.pooled[b]!.intervalScale} without holidays`,
      );
    assert.ok(Math.abs(coverage(s, g) - NOMINAL_COVERAGE) < 0.05, `ordinary days: ${coverage(s, g)}`);
  });
});
