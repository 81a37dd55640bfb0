import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RANK_SHARDS, redisKeys, shanghaiDate, statsPeriodKey, userStatsField } from '../src/keys.ts';
import { keySlot } from '../src/redis.ts';

describe('redis key contract', () => {
  it('builds the seed design keys', () => {
    assert.equal(redisKeys.venueCurrent('42'), 'venue:{v:42}:current');
    assert.equal(redisKeys.venuePredicted(42n), 'venue:{v:42}:predicted');
    assert.equal(redisKeys.venueHeatRankCity('310000'), 'venue:heat:rank:{city:310000}');
    assert.equal(redisKeys.pkRank('abc'), 'pk:rank:{c:abc}');
    assert.equal(redisKeys.userStats('7'), 'user:{u:7}:stats');
  });

  it("keeps keys an atomic step touches together in their owner's slot", () => {
    assert.equal(keySlot(redisKeys.pkRank('abc')), keySlot(redisKeys.pkRankRebuild('abc')));
    assert.equal(keySlot(redisKeys.userStats('7')), keySlot(redisKeys.userStatsApplied('7', '2026-12')));
    assert.equal(keySlot(redisKeys.venueCurrent('7')), keySlot(redisKeys.venueHeat('7')));
    const shards = new Set(Array.from({ length: 200 }, (_, i) => redisKeys.venueHeatRankShardOf(String(i))));
    assert.equal(shards.size, RANK_SHARDS, 'venues spread over every ranking shard');
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
