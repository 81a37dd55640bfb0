// Venue heat in Redis (docs/decisions/0012): each venue's score is a `{v:<id>}` key (the source,
// moved by the venue step of a check-in and by bookings); the rankings are mirrors written with the
// absolute score: one ZSET per city, and the overall ranking split into RANK_SHARDS shards merged
// on read, so no ranking is one hot key and every write touches one slot.
import { RANK_SHARDS, readBySlot, redisKeys, type RedisClient } from '@sport-venue/shared';

/** The one member of a venue's heat ZSET (ZINCRBY adds in doubles, exactly as the rankings did). */
const HEAT_MEMBER = 'score';

export interface HeatEntry {
  venueId: string;
  score: number;
}

function entries(flat: string[]): HeatEntry[] {
  const out: HeatEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ venueId: flat[i]!, score: Number(flat[i + 1]) });
  return out;
}

/** Highest scores first, in one city or overall (the top `first` of every shard, merged). */
export async function heatRanking(
  redis: RedisClient,
  cityCode: string | null,
  first: number,
): Promise<HeatEntry[]> {
  if (cityCode)
    return entries(await redis.zrevrange(redisKeys.venueHeatRankCity(cityCode), 0, first - 1, 'WITHSCORES'));
  const shards = await Promise.all(
    Array.from({ length: RANK_SHARDS }, (_, shard) =>
      redis.zrevrange(redisKeys.venueHeatRankShard(shard), 0, first - 1, 'WITHSCORES'),
    ),
  );
  return (
    shards
      .flatMap(entries)
      // Ties as ZREVRANGE orders them: members in reverse byte order.
      .sort((a, b) => b.score - a.score || (a.venueId < b.venueId ? 1 : a.venueId > b.venueId ? -1 : 0))
      .slice(0, first)
  );
}

export async function heatScores(redis: RedisClient, venueIds: readonly string[]): Promise<number[]> {
  // One ZSCORE per venue (each venue's score lives in its own slot), pipelined per slot.
  const scores = await readBySlot(
    redis,
    venueIds.map((id) => redisKeys.venueHeat(id)),
    (pipeline, key) => pipeline.zscore(key, HEAT_MEMBER),
  );
  return scores.map((s) => Number(s ?? 0));
}

/** Adds (or, negative, removes) heat for a booking; check-ins add theirs in the venue step. */
export async function addHeat(
  redis: RedisClient,
  venueId: string,
  cityCode: string,
  amount: number,
): Promise<void> {
  const score = await redis.zincrby(redisKeys.venueHeat(venueId), amount, HEAT_MEMBER);
  await mirrorHeat(redis, venueId, cityCode, score, amount >= 0);
}

/**
 * Writes a venue's score into its rankings. `grown`: the score only grew, so GT keeps a slower
 * writer's older score from overwriting a newer one (a cancellation's lower score is written as is).
 */
export async function mirrorHeat(
  redis: RedisClient,
  venueId: string,
  cityCode: string,
  score: string | number,
  grown: boolean,
): Promise<void> {
  const keys = [redisKeys.venueHeatRankShardOf(venueId), redisKeys.venueHeatRankCity(cityCode)];
  await Promise.all(
    keys.map((key) => (grown ? redis.zadd(key, 'GT', score, venueId) : redis.zadd(key, score, venueId))),
  );
}
