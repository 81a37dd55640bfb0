import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { popularTimesFrom, usualAt } from '../../src/occupancy/popular-times.ts';

describe('popular times', () => {
  it('averages per local weekday-hour and scales the busiest cell to 100', () => {
    const buckets = [
      // Tuesdays 18:00 Shanghai = 10:00 UTC: two weeks, 40 and 60 people → mean 50 (the peak).
      { hourStart: new Date('2026-11-24T10:00:00Z'), total: 80, samples: 2 },
      { hourStart: new Date('2026-12-01T10:00:00Z'), total: 120, samples: 2 },
      // Tuesday 09:00 Shanghai: mean 10.
      { hourStart: new Date('2026-12-01T01:00:00Z'), total: 30, samples: 3 },
    ];
    const popular = popularTimesFrom(buckets, 'Asia/Shanghai')!;
    assert.equal(popular.peak, 50);
    assert.equal(popular.scaled[1]![18], 100);
    assert.equal(popular.scaled[1]![9], 20);
    assert.equal(popular.scaled[0]![18], 0, 'Monday without samples reads 0');
    assert.equal(usualAt(popular, new Date('2026-12-08T18:30:00+08:00'), 'Asia/Shanghai'), 50);
  });

  it('maps UTC hours to the local hour on both sides of a DST change', () => {
    const popular = popularTimesFrom(
      [
        { hourStart: new Date('2026-01-13T17:00:00Z'), total: 10, samples: 1 }, // 18:00 CET, Tuesday
        { hourStart: new Date('2026-07-14T16:00:00Z'), total: 30, samples: 1 }, // 18:00 CEST, Tuesday
      ],
      'Europe/Zurich',
    )!;
    assert.equal(popular.means[1]![18], 20);
  });

  it('is null without history or when nobody ever came', () => {
    assert.equal(popularTimesFrom([], 'Asia/Shanghai'), null);
    assert.equal(popularTimesFrom([{ hourStart: new Date(0), total: 0, samples: 5 }], 'Asia/Shanghai'), null);
  });
});
