import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainForecaster } from '../src/trainer.ts';
import { knownVenueInfo, predict } from '../src/predict.ts';
import type { Forecaster } from '../src/forecaster.ts';
import { syntheticRows, TZ } from './support/synthetic.ts';

const LEVELS = ['NOT_BUSY', 'A_LITTLE_BUSY', 'BUSY', 'VERY_BUSY'];
let forecaster: Forecaster;
const rows = syntheticRows({ days: 28 });

test.before(async () => {
  forecaster = await trainForecaster(rows, { timeZone: TZ, epochs: 2, hidden: [16], horizonsPerTarget: 2 });
});

function assertWellFormed(out: ReturnType<typeof predict>, origin: Date, n: number): void {
  assert.equal(out.length, n);
  out.forEach((f, i) => {
    assert.equal(f.at.getTime(), origin.getTime() - (origin.getTime() % 3_600_000) + i * 3_600_000);
    for (const v of [f.expected, f.low, f.high]) assert.ok(Number.isFinite(v) && v >= 0, JSON.stringify(f));
    assert.ok(f.low <= f.expected && f.expected <= f.high, JSON.stringify(f));
    assert.ok(LEVELS.includes(f.level));
  });
}

test('predict works for a venue unknown to the artifact and without history (seasonal fallback)', () => {
  const origin = new Date('2025-04-01T04:00:00Z'); // 06:00 local
  const out = predict(forecaster, { venue: 'Brand New Gym', origin, horizonHours: 24 });
  assertWellFormed(out, origin, 24);
  // follows the generic weekly shape: the evening is busier than the early morning, night ≈ closed
  const at = (localHour: number): number => out[(localHour - 6 + 24) % 24]!.expected;
  assert.ok(at(18) > at(7), `evening ${at(18)} vs morning ${at(7)}`);
  assert.ok(at(3) < at(18) / 4);
});

test('an unknown venue starts at similar venues’ usual peak (at most half its capacity), or from its own history', () => {
  const origin = new Date('2025-04-01T15:00:00Z');
  // The training venues declare no capacity, so no occupancy ratio turns capacity into people:
  // capacity only caps the prior (a 20-place room is not expected to hold 80).
  const small = predict(forecaster, { venue: 'New Gym', origin, horizonHours: 3, capacity: 20 });
  const large = predict(forecaster, { venue: 'New Gym', origin, horizonHours: 3, capacity: 500 });
  const huge = predict(forecaster, { venue: 'New Gym', origin, horizonHours: 3, capacity: 5000 });
  assert.ok(small[0]!.expected <= 10, `20 places: ${small[0]!.expected}`);
  assert.ok(large[0]!.expected > 2 * small[0]!.expected);
  assert.equal(huge[0]!.expected, large[0]!.expected);
  // history from a venue that is 3× the Bern test venue: forecasts land in its range
  const history = rows
    .filter((r) => r.venue === 'Fitnesspark Bern Test' && r.at < origin)
    .map((r) => ({ at: r.at, occupancy: r.occupancy === null ? null : r.occupancy * 3 }));
  const out = predict(forecaster, { venue: 'New Gym', origin, horizonHours: 6, history });
  assertWellFormed(out, origin, 6);
  const bern = predict(forecaster, {
    venue: 'Fitnesspark Bern Test',
    origin,
    horizonHours: 6,
    history: rows.filter((r) => r.venue === 'Fitnesspark Bern Test' && r.at < origin),
  });
  const ratio = out[3]!.expected / bern[3]!.expected;
  assert.ok(ratio > 2 && ratio < 4.5, `ratio ${ratio}`);
});

test('predict for a known venue ignores history at or after the origin and validates the horizon', () => {
  const origin = new Date('2025-03-27T12:20:00Z');
  const venue = 'Fitnesspark Zürich Test';
  const past = rows.filter((r) => r.venue === venue && r.at.getTime() < Date.parse('2025-03-27T12:00:00Z'));
  const withFuture = [
    ...past,
    ...rows
      .filter((r) => r.venue === venue && r.at.getTime() >= Date.parse('2025-03-27T12:00:00Z'))
      .map((r) => ({ ...r, occupancy: 999 })),
  ];
  const a = predict(forecaster, { venue, origin, horizonHours: 12, history: past });
  const b = predict(forecaster, { venue, origin, horizonHours: 12, history: withFuture });
  assert.deepEqual(b, a);
  assertWellFormed(a, origin, 12);
  assert.equal(a[0]!.at.toISOString(), '2025-03-27T12:00:00.000Z');
  assert.throws(() => predict(forecaster, { venue, origin, horizonHours: 0 }), /horizonHours/);
  assert.throws(() => predict(forecaster, { venue, origin, horizonHours: 169 }), /horizonHours/);
  assert.throws(
    () => predict(forecaster, { venue, origin: new Date(Number.NaN), horizonHours: 1 }),
    /origin/,
  );
});

test('weather and booking columns in the training rows become model inputs', async () => {
  const withExtras = syntheticRows({ days: 21, venues: { 'Fitnesspark Bern Test': 80 } }).map((r, i) => ({
    ...r,
    temperatureC: 5 + (i % 24),
    precipitationMm: i % 7 === 0 ? 1.5 : 0,
    bookings: r.occupancy === null ? null : Math.round(r.occupancy / 4),
  }));
  const f = await trainForecaster(withExtras, {
    timeZone: TZ,
    epochs: 3,
    hidden: [16],
    horizonsPerTarget: 2,
  });
  const { weatherRange, ...uses } = f.manifest.uses;
  assert.deepEqual(uses, { weather: true, bookings: true });
  // The weather range seen in training is recorded: outside it, weather is not used.
  const [tLo, tHi] = weatherRange!.temperatureC;
  assert.ok(tLo >= 5 && tHi <= 28 && tLo < tHi, `temperature range ${tLo}..${tHi}`);
  assert.ok(weatherRange!.precipitationMm[1] <= 1.5);
  assert.deepEqual(forecaster.manifest.uses, { weather: false, bookings: false });
  const origin = new Date('2025-03-20T10:00:00Z');
  const base = {
    venue: 'Fitnesspark Bern Test',
    origin,
    horizonHours: 4,
    history: withExtras.filter((r) => r.at < origin),
  };
  const plain = predict(f, base);
  const weather = [0, 1, 2, 3].map((h) => ({
    at: new Date(origin.getTime() + h * 3_600_000),
    temperatureC: 30,
    precipitationMm: 8,
  }));
  const bookings = [0, 1, 2, 3].map((h) => ({
    at: new Date(origin.getTime() + h * 3_600_000 + 60_000),
    count: 60,
  }));
  assert.notDeepEqual(predict(f, { ...base, weather, bookings }), plain);
  // a model trained without weather ignores it
  const b2 = { ...base, venue: 'Fitnesspark Zürich Test' };
  assert.deepEqual(predict(forecaster, { ...b2, weather }), predict(forecaster, b2));
});

test('holiday inputs the training history never had are not used', () => {
  // 28 days from 2025-03-03: no public holiday, no school break in them.
  for (const name of ['holiday', 'holidayEve', 'holidayAfter', 'schoolHoliday'])
    assert.ok(forecaster.manifest.disabledFeatures.includes(name), name);
  // Easter Monday is a holiday in Zürich, not in China: with the flags unfitted, both read the same.
  const origin = new Date('2025-04-20T22:00:00Z');
  const venue = 'Fitnesspark Zürich Test';
  const history = rows.filter((r) => r.venue === venue);
  const zurich = predict(forecaster, { venue, origin, horizonHours: 24, history, region: 'CH-ZH' });
  const china = predict(forecaster, { venue, origin, horizonHours: 24, history, region: 'CN' });
  assert.deepEqual(zurich, china);
});

test('an unknown venue is forecast in its own time zone: the generic day shape follows local time', () => {
  const origin = new Date('2025-04-01T00:00:00Z');
  const local = (out: ReturnType<typeof predict>, timeZone: string, hour: number) =>
    out.find(
      (p) =>
        Number(
          new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(p.at),
        ) === hour,
    )!.expected;
  const zurich = predict(forecaster, { venue: 'New Gym', origin, horizonHours: 24, capacity: 200 });
  const shanghai = predict(forecaster, {
    venue: 'New Gym',
    origin,
    horizonHours: 24,
    capacity: 200,
    timeZone: 'Asia/Shanghai',
  });
  // 18:00 local is busy and 03:00 local quiet in both zones, although they are 6 h apart in UTC.
  assert.ok(local(shanghai, 'Asia/Shanghai', 18) > 4 * local(shanghai, 'Asia/Shanghai', 3));
  assert.ok(local(zurich, TZ, 18) > 4 * local(zurich, TZ, 3));
  assert.notEqual(
    shanghai.findIndex((p) => p.expected === Math.max(...shanghai.map((q) => q.expected))),
    zurich.findIndex((p) => p.expected === Math.max(...zurich.map((q) => q.expected))),
  );
});

test('hours outside the opening hours forecast nobody and are marked closed', () => {
  const origin = new Date('2025-03-31T00:00:00Z'); // Monday 02:00 in Zürich (CEST)
  // Open Monday to Sunday 06:00–22:00.
  const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    openMinute: 360,
    closeMinute: 1320,
  }));
  const out = predict(forecaster, {
    venue: 'Fitnesspark Zürich Test',
    origin,
    horizonHours: 48,
    openingHours,
  });
  for (const p of out) {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(p.at),
    );
    const open = hour >= 6 && hour < 22;
    assert.equal(p.closed, !open, `${p.at.toISOString()} local ${hour}`);
    if (!open) assert.deepEqual([p.expected, p.low, p.high, p.level], [0, 0, 0, 'NOT_BUSY']);
  }
  // Without opening hours nothing is masked.
  const unknown = predict(forecaster, { venue: 'Fitnesspark Zürich Test', origin, horizonHours: 48 });
  assert.ok(unknown.every((p) => !p.closed));
});

test('a venue named like an Object.prototype member is not known to the artifact', () => {
  assert.equal(knownVenueInfo(forecaster.manifest, 'constructor'), undefined);
  const name = Object.keys(forecaster.manifest.venues)[0]!;
  assert.equal(knownVenueInfo(forecaster.manifest, name), forecaster.manifest.venues[name]);
  const out = predict(forecaster, {
    venue: 'constructor',
    origin: new Date('2025-04-01T15:00:00Z'),
    horizonHours: 2,
  });
  assert.equal(out.length, 2);
});
