// Interval calibration on the shipped data: the served p10–p90 interval covers close to its
// nominal 80 % of actuals on a held-out window, in every horizon band.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readOccupancyCsv, SHIPPED_OCCUPANCY_CSV } from '../src/csv.ts';
import { parseInstant } from '../src/calendar.ts';
import { runBacktest, type BacktestResult } from '../src/backtest.ts';
import { NOMINAL_COVERAGE } from '../src/guard.ts';

const TZ = 'Europe/Zurich';
const VENUES = new Set([
  'Fitnesspark Zürich Puls 5',
  'Fitnesspark Zürich Stadelhofen',
  'Fitnesspark Winterthur',
  'Fitnesspark Luzern National',
  'Fitnesspark Bern City',
  'Fitnesspark Regensdorf',
]);
/**
 * Largest accepted distance from the nominal coverage, per band and overall. The network's own
 * p10–p90 (uncalibrated) covers 76.0–81.2 % per band and 77.3 % overall here: outside.
 */
const BAND_TOLERANCE = 0.03;
const OVERALL_TOLERANCE = 0.025;

describe('interval coverage on the shipped data', () => {
  let result: BacktestResult;

  before(async () => {
    const from = parseInstant('2025-08-25', TZ)!.getTime();
    const to = parseInstant('2025-12-08', TZ)!.getTime();
    const rows = (await readOccupancyCsv(SHIPPED_OCCUPANCY_CSV)).rows.filter(
      (r) => VENUES.has(r.venue) && r.at.getTime() >= from && r.at.getTime() < to,
    );
    // Trained on 12 weeks, intervals calibrated on the last 4 of them, tested on the 3 weeks after.
    result = await runBacktest(rows, {
      timeZone: TZ,
      testStart: parseInstant('2025-11-17', TZ)!,
      testEnd: parseInstant('2025-12-08', TZ)!,
      train: { epochs: 2, hidden: [32], horizonsPerTarget: 2, validationDays: 28 },
    });
  });

  it('covers the nominal share of held-out actuals in every horizon band', () => {
    assert.equal(result.guarded, true);
    for (const b of result.bands) {
      assert.ok(b.n > 1000, `${b.label}: ${b.n} scored forecasts`);
      assert.ok(
        Math.abs(b.coverageGuarded - NOMINAL_COVERAGE) <= BAND_TOLERANCE,
        `${b.label}: ${(100 * b.coverageGuarded).toFixed(1)} % inside (raw network ${(100 * b.coverageModel).toFixed(1)} %)`,
      );
    }
    assert.ok(
      Math.abs(result.model.intervalCoverage - NOMINAL_COVERAGE) <= OVERALL_TOLERANCE,
      `overall ${(100 * result.model.intervalCoverage).toFixed(1)} %`,
    );
  });
});
