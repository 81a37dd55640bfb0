import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHourlyDataset } from '../src/series.ts';
import { computeProfile } from '../src/profile.ts';
import { FEATURE_COUNT, FEATURE_NAMES, VenueFeatures } from '../src/features.ts';
import { buildVenueFeatures } from '../src/venue-context.ts';
import { HourGrid } from '../src/grid.ts';
import { holidayFlagsFor } from '../src/venue-context.ts';
import type { OccupancyRow } from '../src/types.ts';
import { syntheticRows, TZ } from './support/synthetic.ts';

const VENUE = 'Fitnesspark Zürich Test';
const NO_EXTRAS = { weather: false, bookings: false };

function featuresAt(
  rows: OccupancyRow[],
  originMs: number,
  profile: { mean: number[]; scale: number },
): Float32Array {
  const data = buildHourlyDataset(rows, TZ, {
    fromMs: rows[0]!.at.getTime(),
    toMs: originMs + 30 * 3_600_000,
  });
  const hours = data.venues.get(VENUE)!;
  const f = buildVenueFeatures(
    data.grid,
    hours,
    { profile: profile.mean, scale: profile.scale, region: 'CH-ZH' },
    NO_EXTRAS,
  );
  const o = data.grid.index(originMs);
  assert.equal(data.grid.time(o), originMs);
  const out = new Float32Array(24 * FEATURE_COUNT);
  for (let h = 1; h <= 24; h++) f.write(o, h, out, (h - 1) * FEATURE_COUNT);
  return out;
}

test('features at origin t are unchanged when data after t is altered (no future leakage)', () => {
  const rows = syntheticRows({ days: 28 });
  const origin = Date.parse('2025-03-26T12:00:00Z'); // Wed 13:00 local, mid-day
  const train = buildHourlyDataset(rows, TZ);
  const profile = computeProfile(train.venues.get(VENUE)!.truth, train.grid);
  const before = featuresAt(rows, origin, profile);
  assert.ok(before.every(Number.isFinite));
  // alter everything from the origin on: new values, a frozen counter, deleted rows, a new venue
  const altered: OccupancyRow[] = rows
    .filter((r) => !(r.at.getTime() >= origin + 5 * 3_600_000 && r.at.getTime() < origin + 9 * 3_600_000))
    .map((r) =>
      r.at.getTime() >= origin
        ? { ...r, occupancy: r.occupancy === null ? 999 : r.venue === VENUE ? 42 : r.occupancy * 3 }
        : r,
    );
  altered.push({ at: new Date(origin + 3_600_000), venue: 'Another Gym', occupancy: 5 });
  const after = featuresAt(altered, origin, profile);
  assert.deepEqual(after, before);
  // sanity: the same comparison one day later does see the change
  const later = origin + 24 * 3_600_000;
  assert.notDeepEqual(featuresAt(altered, later, profile), featuresAt(rows, later, profile));
});

test('data that is stuck only after the origin does not mask history before it', () => {
  const base = syntheticRows({ days: 21, venues: { [VENUE]: 100 } });
  const origin = Date.parse('2025-03-20T12:00:00Z');
  // from 2 h before the origin the counter freezes for a day: only 6 frozen samples are visible at the origin
  const frozen = base.map((r) =>
    r.at.getTime() >= origin - 2 * 3_600_000 && r.at.getTime() < origin + 86_400_000
      ? { ...r, occupancy: 61 }
      : r,
  );
  const train = buildHourlyDataset(base, TZ);
  const profile = computeProfile(train.venues.get(VENUE)!.truth, train.grid);
  const cut = frozen.filter((r) => r.at.getTime() < origin);
  assert.deepEqual(featuresAt(frozen, origin, profile), featuresAt(cut, origin, profile));
});

test('missing history falls back to the seasonal profile: finite features, no residuals, level 1', () => {
  const grid = new HourGrid(TZ, Date.parse('2025-06-01T22:00:00Z'), 400);
  const profile = Array.from({ length: 168 }, (_, c) => (c % 24 >= 6 && c % 24 < 22 ? 50 + (c % 24) : 0));
  const f = new VenueFeatures({
    grid,
    history: new Float64Array(grid.length).fill(Number.NaN),
    profile,
    scale: 71,
    holidays: holidayFlagsFor(grid, 'CH-ZH'),
    useWeather: false,
    useBookings: false,
  });
  const buf = new Float32Array(FEATURE_COUNT);
  for (const o of [0, 1, 100, 399]) {
    for (const h of [1, 12, 24]) {
      if (o + h - 1 >= grid.length) continue;
      const level = f.write(o, h, buf, 0);
      assert.equal(level, 1);
      assert.ok(buf.every(Number.isFinite), `o=${o} h=${h}`);
      const v = f.vector(o, h);
      assert.equal(v.lastPresent, 0);
      assert.equal(v.yesterdayPresent, 0);
      assert.equal(v.lastWeekResidual, 0);
      assert.equal(v.profileTarget, Math.fround(profile[grid.hourOfWeek[o + h - 1]!]! / 71));
    }
  }
  // also with an empty history array (shorter than the grid)
  const g2 = new VenueFeatures({
    grid,
    history: new Float64Array(0),
    profile,
    scale: 0,
    holidays: holidayFlagsFor(grid, 'CH-ZH'),
    useWeather: false,
    useBookings: false,
  });
  g2.write(50, 3, buf, 0);
  assert.ok(buf.every(Number.isFinite));
  assert.throws(() => g2.write(399, 2, buf, 0), /outside the grid/);
});

test('horizon h targets the local hour starting h − 1 hours after the origin; holiday flags follow the target day', () => {
  // origin: 2025-12-31 20:00 local; horizon 5 → 1 Jan 2026 00:00 local (holiday), horizon 4 → 31 Dec 23:00 (eve)
  const grid = HourGrid.covering(TZ, Date.parse('2025-12-20T00:00:00Z'), Date.parse('2026-01-05T00:00:00Z'));
  const o = grid.index(Date.parse('2025-12-31T19:00:00Z'));
  const f = new VenueFeatures({
    grid,
    history: new Float64Array(grid.length).fill(Number.NaN),
    profile: new Array<number>(168).fill(10),
    scale: 10,
    holidays: holidayFlagsFor(grid, 'CH-ZH'),
    useWeather: false,
    useBookings: false,
  });
  const h4 = f.vector(o, 4);
  const h5 = f.vector(o, 5);
  assert.equal(h4.holiday, 0);
  assert.equal(h4.holidayEve, 1);
  assert.equal(h5.holiday, 1);
  assert.equal(h5.horizon, Math.fround(5 / 24));
  assert.equal(Math.round(Math.atan2(h5.hourOfDaySin, h5.hourOfDayCos) * 1e6), 0); // local hour 0
  assert.equal(FEATURE_NAMES.length, FEATURE_COUNT);
});

test('weather outside the range seen in training is fed as no weather; rain above it is capped', () => {
  const grid = new HourGrid(TZ, Date.parse('2026-01-05T00:00:00Z'), 48);
  const temperature = new Float64Array(grid.length).fill(Number.NaN);
  const precipitation = new Float64Array(grid.length).fill(Number.NaN);
  const o = 24;
  temperature[o] = 4; // inside the winter range it was trained on
  precipitation[o] = 30; // above the heaviest rain it saw
  temperature[o + 1] = 15; // a warm day it never saw
  precipitation[o + 1] = 0;
  const f = new VenueFeatures({
    grid,
    history: new Float64Array(grid.length).fill(Number.NaN),
    profile: new Array<number>(168).fill(10),
    scale: 10,
    holidays: holidayFlagsFor(grid, 'CH-ZH'),
    temperature,
    precipitation,
    useWeather: true,
    useBookings: false,
    weatherRange: { temperatureC: [-8, 11], precipitationMm: [0, 6] },
  });
  const inside = f.vector(o, 1);
  assert.equal(inside.weatherPresent, 1);
  assert.ok(Math.abs(inside.temperature - (4 - 10) / 10) < 1e-6);
  assert.ok(Math.abs(inside.precipitation - Math.log1p(6)) < 1e-6);
  const outside = f.vector(o, 2);
  assert.deepEqual([outside.weatherPresent, outside.temperature, outside.precipitation], [0, 0, 0]);
});
