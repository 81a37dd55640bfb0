// One Redis client factory for a single node and a Redis Cluster: the same store code runs on
// both (real servers: infra/infra.sh's node and infra/redis-cluster.sh's three masters).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from 'ioredis';
import {
  createRedis,
  execBySlot,
  isCluster,
  keySlot,
  mgetBySlot,
  parseRedisUrl,
  readBySlot,
  redisReady,
  scanKeys,
  type RedisClient,
} from '../src/redis.ts';
import { createTestRedis, eventually, testServices, uniqueId } from '../src/testing.ts';

describe('REDIS_URL', () => {
  it('names a single node or the seed nodes of a cluster, with an optional key prefix', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6379/3'), {
      kind: 'node',
      url: 'redis://127.0.0.1:6379/3',
      keyPrefix: undefined,
    });
    assert.deepEqual(parseRedisUrl('redis+cluster://a:7001,b:7002?keyPrefix=t1:'), {
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7001 },
        { host: 'b', port: 7002 },
      ],
      username: undefined,
      password: undefined,
      keyPrefix: 't1:',
    });
    assert.deepEqual(parseRedisUrl('redis+cluster://u:p%40ss@a:7001'), {
      kind: 'cluster',
      nodes: [{ host: 'a', port: 7001 }],
      username: 'u',
      password: 'p@ss',
      keyPrefix: undefined,
    });
  });

  it('rejects a cluster URL with a database number or a node without port', () => {
    assert.throws(() => parseRedisUrl('redis+cluster://a:7001/2'));
    assert.throws(() => parseRedisUrl('redis+cluster://a:7001,b'));
    assert.throws(() => parseRedisUrl('http://a:7001'));
  });
});

describe('key slots', () => {
  it('match what Redis Cluster computes, hash tags included', async () => {
    const redis = createRedis(testServices.redisClusterUrl);
    try {
      await redisReady(redis);
      const node = (redis as Cluster).nodes('master')[0]!;
      for (const key of [
        'foo',
        'venue:{v:7}:current',
        'user:{u:42}:presence',
        'a{}b',
        'x{}{y}',
        '{',
        'ö{é}',
      ]) {
        assert.equal(keySlot(key), Number(await node.cluster('KEYSLOT', key)), key);
      }
    } finally {
      redis.disconnect();
    }
  });
});

for (const kind of ['node', 'cluster'] as const) {
  describe(`the same client code on a ${kind}`, () => {
    const clients: RedisClient[] = [];
    const open = async () => {
      const { url } = await createTestRedis(
        kind === 'node' ? testServices.redisUrl : testServices.redisClusterUrl,
      );
      const client = createRedis(url);
      clients.push(client);
      await redisReady(client);
      return client;
    };
    after(() => clients.forEach((c) => c.disconnect()));

    it('reads keys of many owners in caller order, missing keys as null', async () => {
      const redis = await open();
      assert.equal(isCluster(redis), kind === 'cluster');
      const keys = Array.from({ length: 60 }, (_, i) => `venue:{v:${i}}:current`);
      for (let i = 0; i < keys.length; i += 2) await redis.set(keys[i]!, String(i));
      const values = await mgetBySlot(redis, keys);
      assert.deepEqual(
        values,
        keys.map((_, i) => (i % 2 === 0 ? String(i) : null)),
      );
    });

    it('pipelines one read per key of many owners, replies in caller order', async () => {
      const redis = await open();
      const keys = Array.from({ length: 40 }, (_, i) => `user:{u:${i}}:stats`);
      for (let i = 0; i < keys.length; i += 3) await redis.hset(keys[i]!, 'n', String(i));
      const replies = await readBySlot(redis, keys, (pipeline, key) => pipeline.hmget(key, 'n', 'absent'));
      assert.deepEqual(
        replies,
        keys.map((_, i) => [i % 3 === 0 ? String(i) : null, null]),
      );
    });

    it('pipelines commands over keys of many owners, replies in the order queued', async () => {
      const redis = await open();
      const keys = Array.from({ length: 30 }, (_, i) => `pk:rank:{c:${uniqueId('b')}-${i}}`);
      const replies = await execBySlot(redis, (pipeline) => {
        keys.forEach((key, i) => pipeline.zadd(key, i, `m${i}`).zscore(key, `m${i}`));
      });
      assert.deepEqual(
        replies,
        keys.flatMap((_, i) => [1, String(i)]),
      );
      assert.deepEqual(await execBySlot(redis, () => undefined), []);
    });

    it('runs a script over the keys of one owner', async () => {
      const redis = await open();
      const result = await redis.eval(
        "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])",
        2,
        'user:{u:9}:a',
        'user:{u:9}:b',
        5,
      );
      assert.equal(result, 5);
      assert.equal(await redis.get('user:{u:9}:a'), '5');
    });

    it('finds keys by pattern on every node, without the key prefix', async () => {
      const redis = await open();
      const tag = uniqueId('scan');
      const keys = Array.from({ length: 20 }, (_, i) => `${tag}:{s:${i}}`);
      for (const key of keys) await redis.set(key, '1');
      assert.deepEqual((await scanKeys(redis, `${tag}:*`)).sort(), [...keys].sort());
    });

    it('delivers a message published by one client to a subscriber of another', async () => {
      const publisher = await open();
      const subscriber = createRedis(testServices[kind === 'node' ? 'redisUrl' : 'redisClusterUrl'], {
        maxRetriesPerRequest: null,
      });
      clients.push(subscriber);
      const channel = uniqueId('ch');
      const got: string[] = [];
      subscriber.on('message', (_ch: string, message: string) => got.push(message));
      await subscriber.subscribe(channel);
      await eventually(async () => (await publisher.publish(channel, 'hello'), got.includes('hello')));
    });
  });
}
