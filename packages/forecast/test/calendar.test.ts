import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hourOfWeek,
  localParts,
  localHourStart,
  parseInstant,
  utcOffsetMinutes,
  zonedTimeToUtc,
} from '../src/calendar.ts';
import { HourGrid } from '../src/grid.ts';

const TZ = 'Europe/Zurich';
const H = 3_600_000;

test('hour-of-week is local: Monday 00:00 local = 0, Sunday 23:00 local = 167', () => {
  assert.equal(hourOfWeek(new Date('2025-06-01T22:00:00Z'), TZ), 0); // Mon 2 Jun 00:00 CEST
  assert.equal(hourOfWeek(new Date('2025-06-01T21:59:59Z'), TZ), 167); // Sun 1 Jun 23:59 CEST
  assert.equal(hourOfWeek(new Date('2025-01-06T17:30:00Z'), TZ), 18); // Mon 6 Jan 18:30 CET
});

test('spring-forward day (Zürich, 2025-03-30) has 23 local hours and a correct hour-of-week', () => {
  const midnight = zonedTimeToUtc(TZ, 2025, 3, 30).getTime();
  assert.equal(new Date(midnight).toISOString(), '2025-03-29T23:00:00.000Z');
  const next = zonedTimeToUtc(TZ, 2025, 3, 31).getTime();
  assert.equal((next - midnight) / H, 23);
  const hows = [];
  for (let t = midnight; t < next; t += H) hows.push(hourOfWeek(t, TZ));
  // Sunday = day 6 → 144..167 without 02:00
  assert.deepEqual(hows, [144, 145, ...Array.from({ length: 21 }, (_, i) => 147 + i)]);
  assert.equal(utcOffsetMinutes(Date.parse('2025-03-30T00:59:59Z'), TZ), 60);
  assert.equal(utcOffsetMinutes(Date.parse('2025-03-30T01:00:00Z'), TZ), 120);
  // 18:00 local on the DST day is 16:00 UTC
  assert.equal(hourOfWeek(new Date('2025-03-30T16:00:00Z'), TZ), 6 * 24 + 18);
  // a wall time inside the gap moves forward by the gap
  assert.equal(zonedTimeToUtc(TZ, 2025, 3, 30, 2, 30).toISOString(), '2025-03-30T01:30:00.000Z');
});

test('fall-back day (Zürich, 2025-10-26) has 25 local hours; both 02:00 hours are Sunday 02', () => {
  const midnight = zonedTimeToUtc(TZ, 2025, 10, 26).getTime();
  const next = zonedTimeToUtc(TZ, 2025, 10, 27).getTime();
  assert.equal((next - midnight) / H, 25);
  const hours = [];
  for (let t = midnight; t < next; t += H) hours.push(localParts(t, TZ).hour);
  assert.deepEqual(hours, [0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => 3 + i)]);
  assert.equal(hourOfWeek(new Date('2025-10-26T00:30:00Z'), TZ), 6 * 24 + 2); // 02:30 CEST
  assert.equal(hourOfWeek(new Date('2025-10-26T01:30:00Z'), TZ), 6 * 24 + 2); // 02:30 CET
  assert.equal(hourOfWeek(new Date('2025-10-26T17:00:00Z'), TZ), 6 * 24 + 18); // 18:00 CET
  // the repeated wall time resolves to the earlier instant
  assert.equal(zonedTimeToUtc(TZ, 2025, 10, 26, 2, 30).toISOString(), '2025-10-26T00:30:00.000Z');
  // hour bins start on local hours
  assert.equal(
    new Date(localHourStart(Date.parse('2025-10-26T01:45:00Z'), TZ)).toISOString(),
    '2025-10-26T01:00:00.000Z',
  );
});

test('same local hour one day / one week earlier is DST-aware (HourGrid.shiftDays)', () => {
  const grid = HourGrid.covering(TZ, Date.parse('2025-03-20T00:00:00Z'), Date.parse('2025-04-10T00:00:00Z'));
  const mondayAfter = grid.index(Date.parse('2025-03-31T16:00:00Z')); // Mon 18:00 CEST
  const weekBefore = grid.shiftDays(mondayAfter, 7);
  assert.equal(new Date(grid.time(weekBefore)).toISOString(), '2025-03-24T17:00:00.000Z'); // Mon 18:00 CET
  assert.equal(mondayAfter - weekBefore, 167);
  assert.equal(grid.hourOfWeek[weekBefore], grid.hourOfWeek[mondayAfter]);
  const yesterday = grid.shiftDays(mondayAfter, 1);
  assert.equal(new Date(grid.time(yesterday)).toISOString(), '2025-03-30T16:00:00.000Z'); // Sun 18:00 CEST
  const fall = HourGrid.covering(TZ, Date.parse('2025-10-20T00:00:00Z'), Date.parse('2025-11-05T00:00:00Z'));
  const after = fall.index(Date.parse('2025-10-27T17:00:00Z')); // Mon 18:00 CET
  assert.equal(after - fall.shiftDays(after, 7), 169);
});

test('parseInstant: offset-less dates are local wall time, offsets are absolute', () => {
  assert.equal(parseInstant('2026-01-01', TZ)!.toISOString(), '2025-12-31T23:00:00.000Z');
  assert.equal(parseInstant('2025-07-01T08:30', TZ)!.toISOString(), '2025-07-01T06:30:00.000Z');
  assert.equal(parseInstant('2026-01-01T00:00:00Z', TZ)!.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(parseInstant('2026-01-01T00:00:00+05:30', TZ)!.toISOString(), '2025-12-31T18:30:00.000Z');
  assert.equal(parseInstant('yesterday', TZ), null);
  assert.equal(parseInstant('2026-13-01', TZ), null);
});
