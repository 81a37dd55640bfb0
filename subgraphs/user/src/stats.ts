// `user:{id}:stats` is written by the venue subgraph on check-in/check-out; this side only reads.
import { redisKeys, statsPeriodKey, userStatsField, type StatsPeriod } from '@sport-venue/shared';
import type { Redis } from 'ioredis';

export interface PeriodStats {
  period: StatsPeriod;
  key: string;
  checkins: number;
  minutes: number;
}

/** Stats of many users for one period and instant, in their order, in one round trip (a pipeline). */
export async function readUsersStats(
  redis: Redis,
  userIds: readonly string[],
  period: StatsPeriod,
  at: Date,
): Promise<PeriodStats[]> {
  const pipeline = redis.pipeline();
  for (const userId of userIds)
    pipeline.hmget(
      redisKeys.userStats(userId),
      userStatsField('checkins', period, at),
      userStatsField('minutes', period, at),
    );
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, reply]) => {
    if (err) throw err;
    const [checkins, minutes] = reply as Array<string | null>;
    return {
      period,
      key: statsPeriodKey(period, at),
      checkins: Number(checkins ?? 0) || 0,
      minutes: Number(minutes ?? 0) || 0,
    };
  });
}
