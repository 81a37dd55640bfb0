import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redisKeys, shanghaiDate, statsPeriodKey, userStatsField } from '../src/keys.ts';

describe('redis key contract', () => {
  it('builds the seed design keys', () => {
    assert.equal(redisKeys.venueCurrent('42'), 'venue:42:current');
    assert.equal(redisKeys.venuePredicted(42n), 'venue:42:predicted');
    assert.equal(redisKeys.venueHeatRank(), 'venue:heat:rank');
    assert.equal(redisKeys.pkRank('abc'), 'pk:rank:abc');
    assert.equal(redisKeys.userStats('7'), 'user:7:stats');
  });

  it('dates stats in Asia/Shanghai, not UTC', () => {
    // 2026-11-29 20:30 UTC is Monday 2026-11-30 04:30 in Shanghai: a new ISO week.
    const at = new Date('2026-11-29T20:30:00Z');
    assert.equal(shanghaiDate(at), '2026-11-30');
    assert.equal(statsPeriodKey('week', at), '2026-W49');
    assert.equal(statsPeriodKey('week', new Date('2026-11-29T15:59:59Z')), '2026-W48');
    assert.equal(userStatsField('minutes', 'month', at), 'minutes:month:2026-11');
  });

  it('puts the turn of the year in the ISO week of its Thursday', () => {
    assert.equal(statsPeriodKey('week', new Date('2026-12-31T04:00:00Z')), '2026-W53');
    assert.equal(statsPeriodKey('week', new Date('2027-01-03T04:00:00Z')), '2026-W53');
    assert.equal(statsPeriodKey('week', new Date('2027-01-04T04:00:00Z')), '2027-W01');
    assert.equal(statsPeriodKey('week', new Date('2025-12-29T04:00:00Z')), '2026-W01');
  });
});
