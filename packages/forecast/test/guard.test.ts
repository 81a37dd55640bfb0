// The guard on the shipped data: where the network is worse than the better baseline on a held-out
// window, the served forecast is not, in every horizon band.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readOccupancyCsv, SHIPPED_OCCUPANCY_CSV } from '../src/csv.ts';
import { parseInstant } from '../src/calendar.ts';
import { runBacktest, type BacktestResult } from '../src/backtest.ts';
import { applyGuard, bandOf, HORIZON_BANDS } from '../src/guard.ts';
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
