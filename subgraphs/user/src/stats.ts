// `user:{u:<id>}:stats`: the user subgraph owns it and derives it from `checkin.events`
// (docs/decisions/0012); `User.stats` reads it. Each event id is applied once.
import {
  redisKeys,
  statsPeriodKey,
  userStatsField,
  readBySlot,
  type CheckinEvent,
  type RedisClient,
  type StatsPeriod,
} from '@sport-venue/shared';

export interface PeriodStats {
  period: StatsPeriod;
  key: string;
  checkins: number;
  minutes: number;
}

/**
 * Stats of many users for one period and instant, in their order: one pipeline on a single node,
 * one per slot on a cluster (readBySlot).
 */
export async function readUsersStats(
  redis: RedisClient,
  userIds: readonly string[],
  period: StatsPeriod,
  at: Date,
): Promise<PeriodStats[]> {
  const checkinsField = userStatsField('checkins', period, at);
  const minutesField = userStatsField('minutes', period, at);
  const key = statsPeriodKey(period, at);
  const replies = await readBySlot(
    redis,
    userIds.map((id) => redisKeys.userStats(id)),
    (pipeline, statsKey) => pipeline.hmget(statsKey, checkinsField, minutesField),
  );
  return replies.map((reply) => {
    const [checkins, minutes] = reply as Array<string | null>;
    return { period, key, checkins: Number(checkins ?? 0) || 0, minutes: Number(minutes ?? 0) || 0 };
  });
}

export async function readUserStats(
  redis: RedisClient,
  userId: string,
  period: StatsPeriod,
  at: Date,
): Promise<PeriodStats> {
  const [stats] = await readUsersStats(redis, [userId], period, at);
  return stats!;
}

// Both keys carry the user's tag: one slot, one atomic step. The applied-ids set is per month of
// the event, kept long enough to outlive any redelivery that could still change a shown period.
const APPLY_SCRIPT = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;
const APPLIED_TTL_MS = 62 * 86_400_000;

/** What a check-in event adds to the stats: +1 check-in when counted, minutes at check-out. */
export function statsIncrements(event: CheckinEvent): Array<[field: string, by: number]> {
  const at = new Date(event.at);
  if (event.type === 'CHECKED_IN')
    return event.counted
      ? [
          [userStatsField('checkins', 'week', at), 1],
          [userStatsField('checkins', 'month', at), 1],
        ]
      : [];
  const minutes = event.minutes ?? 0;
  return minutes > 0
    ? [
        [userStatsField('minutes', 'week', at), minutes],
        [userStatsField('minutes', 'month', at), minutes],
      ]
    : [];
}

interface WithApplyCommand {
  applyUserStats(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<number>;
}

export function createStatsWriter(redis: RedisClient) {
  // ioredis runs a defined command by EVALSHA and falls back to EVAL when Redis lacks the script.
  redis.defineCommand('applyUserStats', { lua: APPLY_SCRIPT });
  const client = redis as RedisClient & WithApplyCommand;
  /** Applies one event; false if this event id was applied before (a redelivery). */
  return async function apply(event: CheckinEvent): Promise<boolean> {
    const increments = statsIncrements(event);
    if (increments.length === 0) return false;
    const applied = await client.applyUserStats(
      2,
      redisKeys.userStats(event.userId),
      redisKeys.userStatsApplied(event.userId, statsPeriodKey('month', new Date(event.at))),
      event.id,
      APPLIED_TTL_MS,
      ...increments.flat(),
    );
    return applied === 1;
  };
}
