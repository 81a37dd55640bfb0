import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openHoursOfWeek } from '../src/opening-hours.ts';

const openHours = (mask: Uint8Array | null) => [...(mask ?? [])].flatMap((v, h) => (v ? [h] : []));

test('no spans means unknown opening hours, not closed', () => {
  assert.equal(openHoursOfWeek(undefined), null);
  assert.equal(openHoursOfWeek([]), null);
  assert.equal(openHoursOfWeek([{ weekday: 9, openMinute: 0, closeMinute: 60 }]), null);
});

test('an hour counts as open when the venue is open for any minute of it', () => {
  // Monday 06:30–08:00: hours 6 and 7 of Monday.
  assert.deepEqual(openHours(openHoursOfWeek([{ weekday: 1, openMinute: 390, closeMinute: 480 }])), [6, 7]);
});

test('a span past midnight opens the first hours of the next day, and Sunday night wraps into Monday', () => {
  // Saturday 22:00 – Sunday 01:00, Sunday 23:00 – Monday 02:00.
  const mask = openHoursOfWeek([
    { weekday: 6, openMinute: 1320, closeMinute: 1500 },
    { weekday: 7, openMinute: 1380, closeMinute: 1560 },
  ]);
  assert.deepEqual(openHours(mask), [0, 1, 5 * 24 + 22, 5 * 24 + 23, 6 * 24, 6 * 24 + 23]);
});

test('round-the-clock venues are open every hour', () => {
  const mask = openHoursOfWeek(
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, openMinute: 0, closeMinute: 1440 })),
  );
  assert.equal(openHours(mask).length, 168);
});
