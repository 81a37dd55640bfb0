import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatLocal,
  isoWeekday,
  localDate,
  localDaysRange,
  parseClock,
  zonedInstant,
} from '../src/lib/time.ts';

test('times are shown in the venue zone, not the browser zone', () => {
  const at = '2026-12-01T16:30:00Z';
  assert.equal(formatLocal(at, 'Asia/Shanghai'), '2026-12-02 00:30');
  assert.equal(formatLocal(at, 'Europe/Zurich'), '2026-12-01 17:30');
  assert.equal(localDate(at, 'Asia/Shanghai'), '2026-12-02');
  assert.equal(localDate(at, 'America/Los_Angeles'), '2026-12-01');
});

test('a local day filter spans the venue midnights', () => {
  assert.deepEqual(localDaysRange('2026-12-01', '2026-12-01', 'Asia/Shanghai'), {
    from: '2026-11-30T16:00:00.000Z',
    to: '2026-12-01T16:00:00.000Z',
  });
  assert.deepEqual(localDaysRange('2026-12-01', '2026-12-07', 'Europe/Zurich'), {
    from: '2026-11-30T23:00:00.000Z',
    to: '2026-12-07T23:00:00.000Z',
  });
});

test('days that change clocks last 23 or 25 hours', () => {
  const spring = localDaysRange('2026-03-29', '2026-03-29', 'Europe/Zurich');
  assert.equal((Date.parse(spring.to) - Date.parse(spring.from)) / 3_600_000, 23);
  const autumn = localDaysRange('2026-10-25', '2026-10-25', 'Europe/Zurich');
  assert.equal((Date.parse(autumn.to) - Date.parse(autumn.from)) / 3_600_000, 25);
});

test('wall-clock slot times map to instants in the venue zone', () => {
  assert.equal(
    zonedInstant('2026-12-07', 18 * 60, 'Asia/Shanghai').toISOString(),
    '2026-12-07T10:00:00.000Z',
  );
  assert.equal(
    zonedInstant('2026-07-07', 18 * 60, 'Europe/Zurich').toISOString(),
    '2026-07-07T16:00:00.000Z',
  );
});

test('weekdays are ISO (Monday 1) and clock input is checked', () => {
  assert.equal(isoWeekday('2026-12-07'), 1);
  assert.equal(isoWeekday('2026-12-13'), 7);
  assert.equal(parseClock('07:30'), 450);
  assert.equal(parseClock('24:00'), 1440);
  assert.equal(parseClock('25:00'), null);
  assert.equal(parseClock('7h'), null);
});
