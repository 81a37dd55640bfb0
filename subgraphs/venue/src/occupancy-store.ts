import { redisKeys } from '@sport-venue/shared';
import type { Redis } from 'ioredis';

/** Current headcounts for many venues in one round trip; a missing key means nobody is there. */
export async function currentCounts(redis: Redis, venueIds: readonly string[]): Promise<number[]> {
  if (venueIds.length === 0) return [];
  const values = await redis.mget(venueIds.map((id) => redisKeys.venueCurrent(id)));
  return values.map((value) => Math.max(0, Number(value ?? 0) || 0));
}
