// Application-generated ids (docs/decisions/0021): time-ordered 63-bit integers, unique across
// processes, replicas and shards, so nothing relies on AUTO_INCREMENT or LAST_INSERT_ID (which a
// sharded front cannot give: every shard would count on its own). Layout in shards.ts (ID_BITS).
import { randomInt, randomUUID } from 'node:crypto';
import type { RedisClient } from './redis.ts';
import { redisKeys } from './keys.ts';
import { ID_BITS, ID_EPOCH_MS, ID_RANGES } from './shards.ts';

const WORKERS = 1 << ID_BITS.worker;
/**
 * Worker numbers below this are leased in Redis by long-running processes; the rest are for
 * one-off tools and tests that work on their own databases (a random pick there).
 */
export const LEASED_WORKERS = WORKERS - 64;
const SEQUENCE_SIZE = 1 << ID_BITS.sequence;
const TIME_SHIFT = BigInt(ID_BITS.worker + ID_BITS.sequence);
const RANGE_SHIFT = BigInt(ID_BITS.time) + TIME_SHIFT;

export class IdGenerator {
  #worker: number;
  #ms = 0;
  // A rolling sequence (not reset every millisecond), so the low bits of ids made at a low rate
  // still vary: HASH partitioning by such an id (venue buckets) must not see only even numbers.
  #sequence = randomInt(SEQUENCE_SIZE);
  #range = randomInt(ID_RANGES);

  constructor(worker: number) {
    this.#worker = IdGenerator.#checkWorker(worker);
  }

  static #checkWorker(worker: number): number {
    if (!Number.isInteger(worker) || worker < 0 || worker >= WORKERS)
      throw new RangeError(`id worker must be 0..${WORKERS - 1}, got ${worker}`);
    return worker;
  }

  get worker(): number {
    return this.#worker;
  }

  /** Used when a lease had to be replaced; ids stay unique since the new number is ours alone. */
  set worker(worker: number) {
    this.#worker = IdGenerator.#checkWorker(worker);
  }

  /** A new id in pre-split range `range` (0 for everything but user ids; see shards.ts). */
  next(range = 0): bigint {
    // Never backwards: after a clock step back, keep counting in the last millisecond seen.
    let ms = Math.max(Date.now() - ID_EPOCH_MS, this.#ms);
    const sequence = (this.#sequence + 1) % SEQUENCE_SIZE;
    // Within one millisecond the sequence must only grow (ids of a process ascend): when it would
    // wrap around, wait for the next millisecond.
    if (ms === this.#ms && sequence === 0) {
      while (ms <= this.#ms) ms = Date.now() - ID_EPOCH_MS;
    }
    this.#ms = ms;
    this.#sequence = sequence;
    return (
      (BigInt(range) << RANGE_SHIFT) |
      (BigInt(ms) << TIME_SHIFT) |
      (BigInt(this.#worker) << BigInt(ID_BITS.sequence)) |
      BigInt(this.#sequence)
    );
  }

  /** A new user id: the ranges are dealt round-robin, so new users spread over every shard. */
  nextUserId(): bigint {
    this.#range = (this.#range + 1) % ID_RANGES;
    return this.next(this.#range);
  }
}

/** When an id was made (its time bits), e.g. to check ordering. */
export function idTime(id: bigint): Date {
  const ms = (id >> TIME_SHIFT) & ((1n << BigInt(ID_BITS.time)) - 1n);
  return new Date(Number(ms) + ID_EPOCH_MS);
}

/** For tools and tests on their own databases: a random worker number outside the leased ones. */
export function localIdGenerator(): IdGenerator {
  return new IdGenerator(LEASED_WORKERS + randomInt(WORKERS - LEASED_WORKERS));
}

// Renews only our own lease: a lease that expired and was taken by another process is not ours.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface LeasedIds {
  ids: IdGenerator;
  /** Stops renewing and frees the worker number. */
  release(): Promise<void>;
}

async function claimWorker(redis: RedisClient, holder: string, ttlMs: number): Promise<number> {
  const start = randomInt(LEASED_WORKERS);
  for (let i = 0; i < LEASED_WORKERS; i++) {
    const worker = (start + i) % LEASED_WORKERS;
    if ((await redis.set(redisKeys.idWorkerLease(worker), holder, 'PX', ttlMs, 'NX')) === 'OK') return worker;
  }
  throw new Error(`no free id worker number (all ${LEASED_WORKERS} leased)`);
}

/**
 * An id generator whose worker number is leased in Redis (SET NX with a TTL, renewed at a third
 * of it), so two replicas never share one. A lease found lost at renewal (the process stalled
 * longer than the TTL and another took the number) is replaced by a fresh number before the
 * next renewal; ids made meanwhile still differ from the other holder's unless both made one in
 * the same millisecond with the same sequence.
 */
export async function leaseIdGenerator(
  redis: RedisClient,
  { ttlMs = 30_000, onLost }: { ttlMs?: number; onLost?: (worker: number) => void } = {},
): Promise<LeasedIds> {
  const holder = `${process.pid}:${randomUUID()}`;
  const ids = new IdGenerator(await claimWorker(redis, holder, ttlMs));
  let stopped = false;
  const renew = async () => {
    const renewed = await redis.eval(RENEW, 1, redisKeys.idWorkerLease(ids.worker), holder, ttlMs);
    if (renewed === 1 || stopped) return;
    onLost?.(ids.worker);
    ids.worker = await claimWorker(redis, holder, ttlMs);
  };
  const timer = setInterval(() => void renew().catch(() => {}), Math.max(1_000, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    ids,
    async release() {
      stopped = true;
      clearInterval(timer);
      await redis.eval(RELEASE, 1, redisKeys.idWorkerLease(ids.worker), holder).catch(() => {});
    },
  };
}

// The process's generator: leased once a service has Redis (acquireProcessIds), otherwise a
// local one (tools and tests on their own databases). Every create path takes ids from here.
let processIds: IdGenerator | null = null;
let processLease: { lease: Promise<LeasedIds>; users: number } | null = null;

/** Leases the process's worker number (idempotent; every caller releases once). */
export async function acquireProcessIds(redis: RedisClient): Promise<() => Promise<void>> {
  if (!processLease) {
    // A connection of its own: renewals never queue behind (or count as) the process's traffic.
    const own = redis.duplicate();
    const lease = leaseIdGenerator(own).then(
      (l) => ({
        ids: l.ids,
        release: async () => {
          await l.release();
          own.disconnect();
        },
      }),
      (err: unknown) => {
        own.disconnect();
        throw err;
      },
    );
    processLease = { lease, users: 0 };
    lease.then(
      (l) => (processIds = l.ids),
      () => (processLease = null),
    );
  }
  const held = processLease;
  held.users++;
  await held.lease;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--held.users > 0) return;
    if (processLease === held) processLease = null;
    processIds = null;
    await (await held.lease).release();
  };
}

const ids = () => (processIds ??= localIdGenerator());
/** A new time-ordered id for any row but a user (range 0). */
export const nextId = (): bigint => ids().next();
/** A new user id in the next pre-split range (round-robin), so users spread over the shards. */
export const nextUserId = (): bigint => ids().nextUserId();
