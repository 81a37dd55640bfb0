import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  closesAt,
  isOpenAt,
  openingHoursFromInput,
  readOpeningHours,
} from '../../src/catalog/opening-hours.ts';

const week = (spans: Array<[number, number]>) =>
  Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), spans]));
const SH = 'Asia/Shanghai';

describe('opening hours in the venue zone', () => {
  const sixToTen = week([[360, 1320]]);

  it('is open between opening and closing, local time', () => {
    assert.equal(isOpenAt(sixToTen, new Date('2026-12-01T06:00:00+08:00'), SH), true);
    assert.equal(isOpenAt(sixToTen, new Date('2026-12-01T21:59:59+08:00'), SH), true);
    assert.equal(isOpenAt(sixToTen, new Date('2026-12-01T22:00:00+08:00'), SH), false);
    assert.equal(isOpenAt(sixToTen, new Date('2026-12-01T05:59:00+08:00'), SH), false);
  });

  it('uses the venue zone, not the server zone (Zürich across the DST change)', () => {
    const zurich = week([[360, 1380]]);
    // 05:30 UTC is 06:30 in winter (open) and 07:30 in summer (open); 04:30 UTC is 05:30 in winter (closed).
    assert.equal(isOpenAt(zurich, new Date('2026-01-15T04:30:00Z'), 'Europe/Zurich'), false);
    assert.equal(isOpenAt(zurich, new Date('2026-07-15T04:30:00Z'), 'Europe/Zurich'), true);
  });

  it('treats a missing weekday as closed', () => {
    const weekdaysOnly = { 1: [[540, 1080]], 2: [[540, 1080]] } as Record<string, Array<[number, number]>>;
    assert.equal(isOpenAt(weekdaysOnly, new Date('2026-12-06T10:00:00+08:00'), SH), false); // Sunday
    assert.equal(isOpenAt(weekdaysOnly, new Date('2026-12-01T10:00:00+08:00'), SH), true); // Tuesday
  });

  it('keeps a span running past midnight open into the next morning', () => {
    const lateBar = { 5: [[1080, 1560]] } as Record<string, Array<[number, number]>>; // Fri 18:00–Sat 02:00
    assert.equal(isOpenAt(lateBar, new Date('2026-12-05T01:30:00+08:00'), SH), true); // Saturday 01:30
    assert.equal(isOpenAt(lateBar, new Date('2026-12-05T02:00:00+08:00'), SH), false);
  });

  it('knows when the venue closes, across contiguous midnights, and never for 24/7', () => {
    const at = new Date('2026-12-01T20:00:00+08:00');
    assert.deepEqual(closesAt(week([[360, 1320]]), at, SH), new Date('2026-12-01T22:00:00+08:00'));
    assert.equal(closesAt(week([[360, 1320]]), new Date('2026-12-01T23:00:00+08:00'), SH), 'closed');
    assert.equal(closesAt(week([[0, 1440]]), at, SH), null);
    const friToSun = { 5: [[1080, 1440]], 6: [[0, 1440]], 7: [[0, 600]] } as Record<
      string,
      Array<[number, number]>
    >;
    assert.deepEqual(
      closesAt(friToSun, new Date('2026-12-04T20:00:00+08:00'), SH),
      new Date('2026-12-06T10:00:00+08:00'),
    );
  });

  it('reads malformed stored hours as closed rather than open', () => {
    assert.deepEqual(readOpeningHours({ 1: [[600, 500]], 9: [[0, 10]], 2: 'x', 3: [[0, 1440]] }), {
      1: [],
      3: [[0, 1440]],
    });
    assert.deepEqual(readOpeningHours(null), {});
  });

  it('validates operator input', () => {
    assert.deepEqual(
      openingHoursFromInput([{ weekday: 1, spans: [{ openMinute: 360, closeMinute: 1320 }] }]),
      {
        1: [[360, 1320]],
      },
    );
    const bad = [
      [{ weekday: 8, spans: [] }],
      [{ weekday: 1, spans: [{ openMinute: 600, closeMinute: 600 }] }],
      [{ weekday: 1, spans: [{ openMinute: 0, closeMinute: 2000 }] }],
      [
        {
          weekday: 1,
          spans: [
            { openMinute: 0, closeMinute: 600 },
            { openMinute: 500, closeMinute: 700 },
          ],
        },
      ],
      [
        { weekday: 2, spans: [] },
        { weekday: 2, spans: [] },
      ],
    ];
    for (const days of bad) assert.throws(() => openingHoursFromInput(days), /BAD_USER_INPUT|weekday|span/);
  });
});
