import { mgetBySlot, redisKeys, type RedisClient } from '@sport-venue/shared';

/** Current headcounts for many venues in one round trip; a missing key means nobody is there. */
export async function currentCounts(redis: RedisClient, venueIds: readonly string[]): Promise<number[]> {
  if (venueIds.length === 0) return [];
  const values = await mgetBySlot(
    redis,
    venueIds.map((id) => redisKeys.venueCurrent(id)),
  );
  return values.map((value) => Math.max(0, Number(value ?? 0) || 0));
}
