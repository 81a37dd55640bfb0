import { shardOf } from './redis.ts';

/**
 * Redis keys from the seed design, partitioned by owner (docs/decisions/0012): the seed's `{id}`
 * placeholders are real hash tags with an owner prefix (`{u:42}` a user, `{v:7}` a venue, `{c:…}` a
 * challenge), so every key an atomic step touches lives in its owner's slot on Redis Cluster. They
 * are a contract between subgraphs and with operations tooling: build them here, never by hand.
 */
export const userTag = (userId: string | bigint) => `{u:${userId}}`;
export const venueTag = (venueId: string | bigint) => `{v:${venueId}}`;

/** Global rankings are split into this many shards (`{s:N}`), merged on read. */
export const RANK_SHARDS = 16;

export const redisKeys = {
  venueCurrent: (venueId: string | bigint) => `venue:${venueTag(venueId)}:current`,
  venuePredicted: (venueId: string | bigint) => `venue:${venueTag(venueId)}:predicted`,
  /** ZSET with the one member `score`: the venue's heat, the source the rankings mirror. */
  venueHeat: (venueId: string | bigint) => `venue:${venueTag(venueId)}:heat`,
  /** ZSET: one shard of the overall heat ranking (venue:heat:rank); a venue is in shard shardOf(id). */
  venueHeatRankShard: (shard: number) => `venue:heat:rank:{s:${shard}}`,
  venueHeatRankShardOf: (venueId: string | bigint) =>
    redisKeys.venueHeatRankShard(shardOf(String(venueId), RANK_SHARDS)),
  /** ZSET: the heat ranking of one city. */
  venueHeatRankCity: (cityCode: string) => `venue:heat:rank:{city:${cityCode}}`,
  pkRank: (challengeId: string) => `pk:rank:{c:${challengeId}}`,
  /** A board is rebuilt here and renamed over pkRank (same slot). */
  pkRankRebuild: (challengeId: string) => `pk:rank:{c:${challengeId}}:rebuild`,
  /** STRING: the lease of one id-generator worker number (ids.ts); its value names the holder. */
  idWorkerLease: (worker: number) => `idgen:worker:{w:${worker}}`,
  userStats: (userId: string | bigint) => `user:${userTag(userId)}:stats`,
  /** SET: checkin.events ids of one month (YYYY-MM) already applied to the user's stats. */
  userStatsApplied: (userId: string | bigint, month: string) =>
    `user:${userTag(userId)}:stats:applied:${month}`,
} as const;

export type StatsMetric = 'checkins' | 'minutes';
export type StatsPeriod = 'week' | 'month';

const SHANGHAI = 'Asia/Shanghai';

// Building an Intl.DateTimeFormat costs far more than formatting with one; the check-in path
// formats four stats fields per request.
const shanghaiDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: SHANGHAI,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return shanghaiDateFormat.format(at);
}

/** ISO week (e.g. `2026-W48`) or month (`2026-11`) of an instant, in Asia/Shanghai. */
export function statsPeriodKey(period: StatsPeriod, at: Date): string {
  const date = shanghaiDate(at);
  if (period === 'month') return date.slice(0, 7);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // Thursday decides the ISO year
  const isoYear = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(isoYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${isoYear}-W${String(week).padStart(2, '0')}`;
}

/**
 * Fields of the `user:{id}:stats` hash: `checkins:week:2026-W48`, `minutes:month:2026-11`, …
 * Derived by the user subgraph from `checkin.events` (docs/decisions/0012), read by `User.stats`.
 */
export function userStatsField(metric: StatsMetric, period: StatsPeriod, at: Date): string {
  return `${metric}:${period}:${statsPeriodKey(period, at)}`;
}
