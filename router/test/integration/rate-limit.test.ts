// Request budgets on real Redis, a single node and a cluster (docs/decisions/0022, 0027): every
// request counts exactly once against its address's budget and, signed in, its user's; on a
// single node both are counted by one script call.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedis, type RedisClient } from '@sport-venue/shared';
import { countRedisRoundTrips, createTestRedis, testServices, uniqueId } from '@sport-venue/shared/testing';
import { createRateLimiter, rateLimitKeys } from '../../src/rate-limit.ts';

const clients: RedisClient[] = [];
after(() => clients.forEach((c) => c.disconnect()));

async function limiterOn(
  baseUrl: string | undefined,
  limits: { perUserPerMinute: number; perIpPerMinute: number },
) {
  const { url } = await createTestRedis(baseUrl);
  // As the router creates it: auto-pipelining on a single node only.
  const redis = createRedis(url, { enableAutoPipelining: baseUrl === undefined });
  clients.push(redis);
  return { redis, consume: createRateLimiter(redis, limits) };
}

for (const topology of ['single', 'cluster'] as const) {
  describe(`request budgets on ${topology === 'single' ? 'a single Redis node' : 'Redis Cluster'}`, () => {
    const base = topology === 'single' ? undefined : testServices.redisClusterUrl;

    it('each request counts once against its address and once against its user', async () => {
      const { redis, consume } = await limiterOn(base, { perUserPerMinute: 100, perIpPerMinute: 100 });
      const ip = uniqueId('10.0.');
      const userId = String(Date.now());
      for (let i = 0; i < 3; i++) assert.equal(await consume({ userId, ip }), null);
      assert.equal(await consume({ userId: null, ip }), null);
      assert.equal(Number(await redis.get(rateLimitKeys.ip(ip))), 4);
      assert.equal(Number(await redis.get(rateLimitKeys.user(userId))), 3);
      assert.ok((await redis.pttl(rateLimitKeys.user(userId))) > 0, 'a budget key expires with its window');
    });

    it('the smaller budget refuses first with RATE_LIMITED, 429 and a retry-after', async () => {
      const { consume } = await limiterOn(base, { perUserPerMinute: 2, perIpPerMinute: 100 });
      const ip = uniqueId('10.1.');
      const userId = String(Date.now() + 1);
      const results = await Promise.all(Array.from({ length: 4 }, () => consume({ userId, ip })));
      assert.deepEqual(
        results.map((r) => (r ? r.extensions.code : 'ok')),
        ['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED'],
      );
      const refused = results[3]!;
      assert.equal((refused.extensions.http as { status: number }).status, 429);
      assert.ok(Number(refused.extensions.retryAfterSeconds) >= 1);
      assert.equal(
        await consume({ userId: String(Date.now() + 2), ip }),
        null,
        'another user on the address is served',
      );
    });
  });
}

it('on a single node both budgets of a request take one round trip', async () => {
  const { url } = await createTestRedis();
  const redis = createRedis(url);
  clients.push(redis);
  const consume = createRateLimiter(redis, { perUserPerMinute: 100, perIpPerMinute: 100 });
  await consume({ userId: '1', ip: '10.2.0.1' }); // loads the script
  const trips = countRedisRoundTrips(redis);
  await consume({ userId: '2', ip: '10.2.0.2' });
  assert.equal(trips.count(), 1);
});
