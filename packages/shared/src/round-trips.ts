// Counters of store round trips, for tests that prove a query is batched: the same query over 1
// and over 20 items must cost the same number of trips (an N+1 would cost 20 more). They observe
// the real clients a running subgraph uses; nothing is stubbed.
import type { Connection } from 'mongoose';
import { isCluster, type RedisClient } from './redis.ts';

export interface RoundTripCounter {
  /** Round trips since the last reset. */
  count(): number;
  reset(): void;
}

/**
 * Writes to the Redis socket: ioredis sends a single command in one write and a whole pipeline
 * (or MULTI) in one write, so each write is one request/response round trip.
 */
export function countRedisRoundTrips(redis: RedisClient): RoundTripCounter {
  // A cluster client writes to one socket per node: these tests measure a single node.
  if (isCluster(redis)) throw new Error('countRedisRoundTrips needs a single-node Redis client');
  let count = 0;
  const patched = new WeakSet<object>();
  const patch = () => {
    const stream = redis.stream as (NodeJS.WritableStream & object) | undefined;
    if (!stream || patched.has(stream)) return;
    patched.add(stream);
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    (stream as { write: (...args: unknown[]) => boolean }).write = (...args) => {
      count++;
      return write(...args);
    };
  };
  patch();
  redis.on('ready', patch); // a reconnect opens a new socket
  return { count: () => count, reset: () => void (count = 0) };
}

/** MongoDB operations of one mongoose connection (its debug hook sees each driver call). */
export function countMongoRoundTrips(connection: Connection): RoundTripCounter {
  let count = 0;
  connection.set('debug', () => {
    count++;
  });
  return { count: () => count, reset: () => void (count = 0) };
}

/** What a Prisma client built with `log: [{ emit: 'event', level: 'query' }]` offers. */
interface QueryEvents {
  $on(event: 'query', listener: () => void): void;
}

/** SQL statements a Prisma client sends (it must be built with query events, see QueryEvents). */
export function countSqlRoundTrips(db: QueryEvents): RoundTripCounter {
  let count = 0;
  db.$on('query', () => {
    count++;
  });
  return { count: () => count, reset: () => void (count = 0) };
}
