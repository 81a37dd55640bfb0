import type { RedisClient } from '@sport-venue/shared';
import { redisKeys } from '@sport-venue/shared';
import { presenceKeys } from './presence-keys.ts';

export interface HeatEntry {
  venueId: string;
  score: number;
}

/** Highest scores first, in one city (per-city ZSET) or overall (venue:heat:rank). */
export async function heatRanking(
  redis: RedisClient,
  cityCode: string | null,
  first: number,
): Promise<HeatEntry[]> {
  const key = cityCode ? presenceKeys.heatCity(cityCode) : redisKeys.venueHeatRank();
  const flat = await redis.zrevrange(key, 0, first - 1, 'WITHSCORES');
  const out: HeatEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ venueId: flat[i]!, score: Number(flat[i + 1]) });
  return out;
}

export async function heatScores(redis: RedisClient, venueIds: readonly string[]): Promise<number[]> {
  if (venueIds.length === 0) return [];
  const scores = (await redis.call('ZMSCORE', redisKeys.venueHeatRank(), ...venueIds)) as Array<
    string | null
  >;
  return scores.map((s) => Number(s ?? 0));
}

/** Adds (or, negative, removes) heat for a booking; check-ins add theirs inside check-in.lua. */
export async function addHeat(
  redis: RedisClient,
  venueId: string,
  cityCode: string,
  amount: number,
): Promise<void> {
  await redis
    .multi()
    .zincrby(redisKeys.venueHeatRank(), amount, venueId)
    .zincrby(presenceKeys.heatCity(cityCode), amount, venueId)
    .exec();
}
