// Socket slots when Redis cannot be reached (docs/decisions/0022): the replica keeps serving and
// caps the sockets it holds itself. The shared behaviour is tested with two router processes on
// Redis Cluster (test/router-replicas.e2e.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, createRedis } from '@sport-venue/shared';
import { createSocketSlots } from '../../src/socket-slots.ts';

describe('socket slots without Redis', () => {
  it('a replica that cannot reach Redis still refuses a user past the limit on its own sockets', async () => {
    // Nothing listens on port 9: every command fails after its one retry.
    const redis = createRedis('redis://127.0.0.1:9', { retryStrategy: () => null });
    redis.on('error', () => undefined);
    const slots = createSocketSlots(redis, {
      maxPerUser: 2,
      leaseMs: 60_000,
      logger: createLogger('test', 'silent'),
    });
    try {
      const first = await slots.acquire('7');
      const second = await slots.acquire('7');
      assert.ok(first && second);
      assert.equal(await slots.acquire('7'), null);
      assert.ok(await slots.acquire('8'), 'another user has slots of their own');
      first.release();
      assert.ok(await slots.acquire('7'), 'a closed socket gives its slot back');
    } finally {
      await slots.close();
      redis.disconnect();
    }
  });
});
