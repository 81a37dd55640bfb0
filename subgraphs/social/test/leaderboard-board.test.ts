// The live boards of many challenges in one request (a list of challenges with their
// leaderboards) on both Redis topologies: on a cluster every challenge's board is in its own slot.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedis, redisKeys, redisReady, type RedisClient } from '@sport-venue/shared';
import { createTestRedis, testServices, uniqueId } from '@sport-venue/shared/testing';
import { createLeaderboardBoard } from '../src/leaderboard-board.ts';
import { encodeScore } from '../src/ranking.ts';

const startsAt = new Date('2026-12-01T00:00:00Z');

for (const [kind, baseUrl] of [
  ['single node', testServices.redisUrl],
  ['cluster', testServices.redisClusterUrl],
] as const) {
  describe(`leaderboards of many challenges (${kind})`, () => {
    const clients: RedisClient[] = [];
    after(() => clients.forEach((c) => c.disconnect()));

    it('gives each challenge its own top, viewer rank and neighbours', async () => {
      const redis = createRedis((await createTestRedis(baseUrl)).url);
      clients.push(redis);
      await redisReady(redis);
      const challenges = Array.from({ length: 6 }, (_, i) => uniqueId(`c${i}-`));
      for (const [c, challengeId] of challenges.entries())
        for (let u = 0; u < 5; u++)
          await redis.zadd(
            redisKeys.pkRank(challengeId),
            encodeScore(10 * (u + 1) + c, new Date(startsAt.getTime() + u * 1_000), startsAt),
            `u${u}`,
          );
      const views = await createLeaderboardBoard(redis).views(
        challenges.map((challengeId) => ({ challengeId, first: 2, viewerId: 'u2', ranked: true })),
      );
      assert.equal(views.length, challenges.length);
      for (const [c, view] of views.entries()) {
        assert.deepEqual(
          view.entries.map((e) => [e.userId, e.score, e.rank]),
          [
            ['u4', 50 + c, 1],
            ['u3', 40 + c, 2],
          ],
        );
        assert.deepEqual(view.me && [view.me.userId, view.me.score, view.me.rank], ['u2', 30 + c, 3]);
        assert.deepEqual(
          view.neighbours.map((e) => [e.userId, e.rank]),
          [
            ['u3', 2],
            ['u1', 4],
          ],
        );
      }
    });
  });
}
