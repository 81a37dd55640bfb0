import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BestTimeInputError, hoursToCover, quietestHour } from '../../src/best-time.ts';

const TZ = 'Asia/Shanghai';
const point = (at: string, expected: number) => ({ at, expected, low: 0, high: expected, level: 'BUSY' });

describe('best time to visit', () => {
  it('covers the whole local date from the current hour on', () => {
    const now = new Date('2026-11-24T02:30:00Z'); // 10:30 in Shanghai
    const hours = hoursToCover('2026-11-25', TZ, now, 168);
    // 2026-11-25 ends in Shanghai at 2026-11-25T16:00Z, 38 h after 02:00Z.
    assert.ok(hours >= 38, `got ${hours}`);
    assert.ok(hours <= 168);
  });

  it('rejects malformed, past and too distant dates', () => {
    const now = new Date('2026-11-24T02:30:00Z');
    assert.throws(() => hoursToCover('2026-02-30', TZ, now, 168), BestTimeInputError);
    assert.throws(() => hoursToCover('tomorrow', TZ, now, 168), BestTimeInputError);
    assert.throws(() => hoursToCover('2026-11-23', TZ, now, 168), /past/);
    assert.throws(() => hoursToCover('2026-12-24', TZ, now, 168), /within the next 7 days/);
  });

  it('picks the quietest hour of that local date, skipping near-zero (closed) hours', () => {
    const points = [
      point('2026-11-24T15:00:00Z', 40), // 23:00 local on the 24th: other date
      point('2026-11-24T20:00:00Z', 0.2), // 04:00 local on the 25th: closed
      point('2026-11-25T00:00:00Z', 12), // 08:00
      point('2026-11-25T04:00:00Z', 9), // 12:00 ← quietest open hour
      point('2026-11-25T10:00:00Z', 80), // 18:00 peak
      point('2026-11-25T17:00:00Z', 1), // 01:00 on the 26th
    ];
    assert.equal(quietestHour(points, '2026-11-25', TZ)?.at, '2026-11-25T04:00:00Z');
    assert.equal(quietestHour(points, '2026-11-27', TZ), null);
  });

  it('with opening hours, picks the quietest hour the venue is open, however quiet', () => {
    const closed = (at: string) => ({ ...point(at, 0), level: 'NOT_BUSY', closed: true });
    const points = [
      closed('2026-11-24T22:00:00Z'), // 06:00 local on the 25th, before opening
      point('2026-11-25T00:00:00Z', 2), // 08:00: open and nearly empty ← quietest
      point('2026-11-25T04:00:00Z', 9),
      point('2026-11-25T10:00:00Z', 80),
      closed('2026-11-25T15:00:00Z'), // 23:00: closed
    ];
    assert.equal(quietestHour(points, '2026-11-25', TZ, true)?.at, '2026-11-25T00:00:00Z');
    // The share-of-peak guess would have skipped 08:00 as "closed".
    assert.equal(quietestHour(points, '2026-11-25', TZ, false)?.at, '2026-11-25T04:00:00Z');
    assert.equal(quietestHour([closed('2026-11-25T04:00:00Z')], '2026-11-25', TZ, true), null);
  });
});
