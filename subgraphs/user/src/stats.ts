// `user:{id}:stats` is written by the venue subgraph on check-in/check-out; this side only reads.
import { redisKeys, statsPeriodKey, userStatsField, type StatsPeriod } from '@sport-venue/shared';
import type { RedisClient } from '@sport-venue/shared';

export interface PeriodStats {
  period: StatsPeriod;
  key: string;
  checkins: number;
  minutes: number;
}

export async function readUserStats(
  redis: RedisClient,
  userId: string,
  period: StatsPeriod,
  at: Date,
): Promise<PeriodStats> {
  const [checkins, minutes] = await redis.hmget(
    redisKeys.userStats(userId),
    userStatsField('checkins', period, at),
    userStatsField('minutes', period, at),
  );
  return {
    period,
    key: statsPeriodKey(period, at),
    checkins: Number(checkins ?? 0) || 0,
    minutes: Number(minutes ?? 0) || 0,
  };
}
