// Application ids (docs/decisions/0021): unique, ascending within a process, spread over the
// pre-split user ranges, and worker numbers that two processes never share.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ID_RANGES,
  IdGenerator,
  createRedis,
  idTime,
  leaseIdGenerator,
  rangeOfId,
  redisKeys,
} from '../src/index.ts';
import { createTestRedis } from '../src/testing.ts';

describe('id generator', () => {
  it('makes unique ids that ascend, also when thousands fall into one millisecond', () => {
    const ids = new IdGenerator(7);
    const made = Array.from({ length: 20_000 }, () => ids.next());
    for (let i = 1; i < made.length; i++) assert.ok(made[i]! > made[i - 1]!, `id ${i} does not ascend`);
    assert.equal(new Set(made).size, made.length);
    assert.ok(made.every((id) => rangeOfId(id) === 0 && id > 0n));
    assert.ok(Math.abs(idTime(made.at(-1)!).getTime() - Date.now()) < 60_000);
  });

  it('deals user ids round-robin over every range, ascending within each', () => {
    const ids = new IdGenerator(8);
    const made = Array.from({ length: ID_RANGES * 50 }, () => ids.nextUserId());
    const byRange = Map.groupBy(made, rangeOfId);
    assert.equal(byRange.size, ID_RANGES);
    for (const [range, inRange] of byRange) {
      assert.equal(inRange.length, 50, `range ${range}`);
      for (let i = 1; i < inRange.length; i++) assert.ok(inRange[i]! > inRange[i - 1]!);
    }
  });

  it('ids of two workers never collide', () => {
    const a = new IdGenerator(1);
    const b = new IdGenerator(2);
    const made = new Set<bigint>();
    for (let i = 0; i < 5_000; i++) {
      made.add(a.next());
      made.add(b.next());
    }
    assert.equal(made.size, 10_000);
  });

  it('refuses a worker number outside its bits', () => {
    assert.throws(() => new IdGenerator(-1), RangeError);
    assert.throws(() => new IdGenerator(512), RangeError);
  });
});

describe('id worker leases (Redis)', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('gives concurrent processes different worker numbers and frees a number on release', async () => {
    const { url } = await createTestRedis();
    const redis = createRedis(url);
    cleanups.push(() => redis.disconnect());
    const leases = await Promise.all(Array.from({ length: 20 }, () => leaseIdGenerator(redis)));
    const workers = leases.map((l) => l.ids.worker);
    assert.equal(new Set(workers).size, workers.length);
    for (const w of workers) assert.ok(await redis.exists(redisKeys.idWorkerLease(w)));
    await Promise.all(leases.map((l) => l.release()));
    for (const w of workers) assert.equal(await redis.exists(redisKeys.idWorkerLease(w)), 0);
  });

  it('replaces a lease another process took over, keeping the numbers distinct', async () => {
    const { url } = await createTestRedis();
    const redis = createRedis(url);
    cleanups.push(() => redis.disconnect());
    const lost: number[] = [];
    const lease = await leaseIdGenerator(redis, { ttlMs: 3_000, onLost: (w) => lost.push(w) });
    cleanups.push(() => lease.release());
    const first = lease.ids.worker;
    // Another holder owns the number now (as after a stall longer than the TTL).
    await redis.set(redisKeys.idWorkerLease(first), 'someone else', 'PX', 60_000);
    const deadline = Date.now() + 30_000;
    while (lease.ids.worker === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lost, [first]);
    assert.notEqual(lease.ids.worker, first);
    assert.equal(await redis.get(redisKeys.idWorkerLease(first)), 'someone else');
  });
});
