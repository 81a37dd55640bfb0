// Cold start on the served path: a venue the model never saw (in Shanghai, with Swiss gyms as the
// only training data) gets its forecast in Shanghai time, zero while closed, and its own check-ins
// take over as they accrue.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readOccupancyCsv } from '../src/csv.ts';
import { trainForecaster } from '../src/trainer.ts';
import { forecastVenue, type PredictRequest } from '../src/predict.ts';
import type { Forecaster } from '../src/forecaster.ts';
import { buildBaselinePrior } from '../src/baseline-prior.ts';
import { priorFor, posteriorProfile, type DonorVenue } from '../src/cold-start.ts';
import { HOURS_PER_WEEK } from '../src/calendar.ts';
import { HourGrid } from '../src/grid.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/fitnesspark-3venues-6weeks.csv', import.meta.url));
const HOUR_MS = 3_600_000;
// Tuesday 2026-03-03 09:00 in Shanghai (UTC+8, no DST).
const ORIGIN = new Date('2026-03-03T01:00:00Z');
const OPEN_FROM = 7;
const OPEN_TO = 22;
const shanghaiHour = (at: Date) => (at.getUTCHours() + 8) % 24;
const isOpen = (at: Date) => shanghaiHour(at) >= OPEN_FROM && shanghaiHour(at) < OPEN_TO;

/** The venue's own pattern: busy early mornings (unlike the Swiss gyms' evenings), quiet otherwise. */
function pattern(at: Date): number {
  if (!isOpen(at)) return 0;
  const h = shanghaiHour(at);
  if (h >= 7 && h < 10) return 40;
  return 4;
}

/** Generated check-in counts for the `days` before the origin (hourly, as the venue subgraph sends them). */
function checkIns(days: number, value: (at: Date) => number = pattern) {
  const out: Array<{ at: Date; occupancy: number }> = [];
  for (let i = days * 24; i >= 1; i--) {
    const at = new Date(ORIGIN.getTime() - i * HOUR_MS);
    if (isOpen(at)) out.push({ at, occupancy: value(at) });
  }
  return out;
}

const request = (
  history: PredictRequest['history'],
  venue: Partial<Pick<PredictRequest, 'capacity' | 'sport'>> = {},
): PredictRequest => ({
  venue: 'shanghai-new-badminton-hall',
  origin: ORIGIN,
  horizonHours: 24,
  timeZone: 'Asia/Shanghai',
  region: 'CN',
  capacity: venue.capacity ?? 120,
  sport: venue.sport ?? 'badminton',
  latitude: 31.23,
  openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    openMinute: OPEN_FROM * 60,
    closeMinute: OPEN_TO * 60,
  })),
  ...(history ? { history } : {}),
});

const maeToPattern = (points: Array<{ at: Date; expected: number }>) =>
  points.reduce((s, p) => s + Math.abs(p.expected - pattern(p.at)), 0) / points.length;

describe('a new venue in Shanghai', () => {
  let forecaster: Forecaster;
  /** The known gyms' usual peaks (people). */
  let donorPeaks: number[];

  before(async () => {
    const { rows } = await readOccupancyCsv(FIXTURE);
    forecaster = await trainForecaster(rows, {
      timeZone: 'Europe/Zurich',
      epochs: 1,
      hidden: [8],
      horizonsPerTarget: 1,
      attributesOf: () => ({ sport: 'gym', timeZone: 'Europe/Zurich', latitude: 47.4 }),
    });
    donorPeaks = Object.values(forecaster.manifest.venues).map((v) => v.scale);
  });

  it('with no history gets a forecast in Shanghai time, zero outside its opening hours', () => {
    const res = forecastVenue(forecaster, request(undefined));
    assert.equal(res.known, false);
    assert.equal(res.basis, 'MODEL');
    assert.equal(res.points.length, 24);
    assert.deepEqual(
      res.points.map((p) => shanghaiHour(p.at)),
      Array.from({ length: 24 }, (_, i) => (9 + i) % 24),
    );
    for (const p of res.points) {
      if (isOpen(p.at)) {
        assert.equal(p.closed, false);
        assert.ok(p.expected > 0, `open ${shanghaiHour(p.at)}:00 forecasts people`);
        assert.ok(p.low <= p.expected && p.expected <= p.high);
      } else {
        assert.equal(p.closed, true);
        assert.deepEqual([p.expected, p.low, p.high], [0, 0, 0], `closed ${shanghaiHour(p.at)}:00`);
      }
    }
  });

  it('moves toward its own check-in pattern as check-ins accrue', () => {
    const errors = [0, 3, 14].map((days) =>
      maeToPattern(forecastVenue(forecaster, request(checkIns(days))).points),
    );
    assert.ok(errors[1]! < errors[0]!, `3 days of check-ins: ${errors.join(' → ')}`);
    assert.ok(errors[2]! < errors[1]!, `14 days of check-ins: ${errors.join(' → ')}`);
    assert.ok(errors[2]! < errors[0]! / 2, `two weeks halve the error: ${errors.join(' → ')}`);
    // After two weeks the busiest forecast hour is one of the venue's own busy mornings.
    const points = forecastVenue(forecaster, request(checkIns(14))).points;
    const busiest = points.reduce((a, b) => (b.expected > a.expected ? b : a));
    assert.ok(
      shanghaiHour(busiest.at) >= 7 && shanghaiHour(busiest.at) < 10,
      `busiest ${busiest.at.toISOString()}`,
    );
  });

  it('starts at the similar venues’ usual level, not at a share of a capacity nothing relates to people', () => {
    // The gyms it learnt from have no declared capacity: no occupancy ratio says what 2,000 seats
    // mean in people, so a 2,000-seat stadium starts at the gyms' usual peak (at most), not at
    // twice what a 1,000-seat one would, shaped by its own opening hours.
    const peak = (capacity: number, sport: string) =>
      Math.max(
        ...forecastVenue(forecaster, request(undefined, { capacity, sport })).points.map((p) => p.expected),
      );
    const stadium = peak(2000, 'football');
    const half = peak(1000, 'football');
    assert.ok(
      stadium <= Math.max(...donorPeaks) * 1.1,
      `stadium peak ${stadium.toFixed(0)} vs gyms' ${donorPeaks.map((p) => p.toFixed(0)).join(', ')}`,
    );
    assert.ok(stadium >= Math.min(...donorPeaks) * 0.2, `stadium peak ${stadium.toFixed(0)}`);
    assert.ok(Math.abs(stadium - half) <= 0.05 * half, `capacity alone moved it: ${stadium} vs ${half}`);
    // A small venue is never expected above half of its capacity at its usual peak.
    assert.ok(peak(20, 'gym') <= 10 * 1.1, `20-place gym peak ${peak(20, 'gym')}`);
  });

  it('of a kind none of the known venues is follows its own check-ins sooner than a gym would', () => {
    const after = (sport: string, days: number) =>
      maeToPattern(forecastVenue(forecaster, request(checkIns(days), { sport })).points);
    // Gyms say little about a football ground: two days of its own check-ins outweigh them more.
    assert.ok(
      after('football', 2) < after('gym', 2),
      `football ${after('football', 2).toFixed(2)} vs gym ${after('gym', 2).toFixed(2)}`,
    );
    assert.ok(after('football', 2) < after('football', 0) / 2);
  });

  it('where nobody ever is, forecasts (nearly) nobody whatever its capacity', () => {
    const empty = forecastVenue(forecaster, request(checkIns(14, () => 0))).points;
    const prior = forecastVenue(forecaster, request(undefined)).points;
    const peak = (ps: typeof empty) => Math.max(...ps.map((p) => p.expected));
    assert.ok(peak(prior) > 10, `prior peak ${peak(prior)}`);
    assert.ok(peak(empty) < 2, `empty venue peak ${peak(empty)}`);
  });

  it('gets the same treatment from the baseline served before any model exists', async () => {
    const { rows } = await readOccupancyCsv(FIXTURE);
    const prior = buildBaselinePrior(rows, 'Europe/Zurich');
    const cold = forecastVenue(prior, request(undefined));
    assert.equal(cold.basis, 'BASELINE');
    for (const p of cold.points) assert.equal(p.expected > 0, isOpen(p.at), p.at.toISOString());
    const warm = forecastVenue(prior, request(checkIns(14)));
    assert.ok(maeToPattern(warm.points) < maeToPattern(cold.points) / 2);
  });
});

describe('cold-start prior', () => {
  const shapeOf = (peakHour: number) =>
    Array.from({ length: HOURS_PER_WEEK }, (_, c) => Math.exp(-(((c % 24) - peakHour) ** 2) / 4));
  const donor = (peakHour: number, scale: number, sport: string, capacity: number | null): DonorVenue => ({
    profile: shapeOf(peakHour).map((p) => p * scale),
    scale,
    capacity,
    attributes: { sport, timeZone: 'Asia/Shanghai', latitude: 31 },
  });
  const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));

  it('takes the weekly shape from venues of the same sport', () => {
    const donors = [donor(8, 50, 'swimming', null), donor(19, 200, 'gym', null), donor(19, 180, 'gym', null)];
    const pool = priorFor(donors, { sport: 'swimming', timeZone: 'Asia/Shanghai', latitude: 31 }, null);
    const gym = priorFor(donors, { sport: 'gym', timeZone: 'Asia/Shanghai', latitude: 31 }, null);
    assert.equal(argmax(pool.shape) % 24, 8);
    assert.equal(argmax(gym.shape) % 24, 19);
  });

  it('scales by capacity only through the occupancy ratio of venues that have one', () => {
    const withRatio = priorFor(
      [donor(19, 40, 'gym', 100), donor(19, 60, 'gym', 200)],
      { sport: 'gym', capacity: 500 },
      null,
    );
    assert.equal(withRatio.scaleFrom, 'occupancyRatio');
    assert.ok(withRatio.scale >= 150 && withRatio.scale <= 200, `${withRatio.scale}`); // 0.3–0.4 × 500
    const without = priorFor(
      [donor(19, 40, 'gym', null), donor(19, 60, 'gym', null)],
      { sport: 'gym', capacity: 500 },
      null,
    );
    assert.equal(without.scaleFrom, 'donorPeak');
    assert.ok(without.scale >= 40 && without.scale <= 60, `${without.scale}`);
    const tiny = priorFor([donor(19, 40, 'gym', null)], { sport: 'gym', capacity: 10 }, null);
    assert.ok(tiny.scale <= 5, `a 10-place venue: ${tiny.scale}`);
  });

  it('gives a dissimilar prior less weight against the venue’s own data', () => {
    const donors = [donor(19, 200, 'gym', null)];
    const same = priorFor(donors, { sport: 'gym', timeZone: 'Asia/Shanghai', latitude: 31 }, null);
    const other = priorFor(donors, { sport: 'football', timeZone: 'Asia/Shanghai', latitude: 31 }, null);
    assert.ok(other.weight < same.weight);
    // One day of an empty venue pulls the dissimilar prior further down.
    const empty = new Float64Array(24).fill(0);
    const grid = new HourGrid('Asia/Shanghai', Date.parse('2026-03-01T16:00:00Z'), 24);
    assert.ok(posteriorProfile(other, grid, empty).scale < posteriorProfile(same, grid, empty).scale);
  });
});
