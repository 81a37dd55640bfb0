/**
 * Redis keys from the seed design. They are a contract between subgraphs and with operations
 * tooling: build them here, never by hand.
 */
export const redisKeys = {
  venueCurrent: (venueId: string | bigint) => `venue:${venueId}:current`,
  venuePredicted: (venueId: string | bigint) => `venue:${venueId}:predicted`,
  venueHeatRank: () => 'venue:heat:rank',
  pkRank: (challengeId: string) => `pk:rank:${challengeId}`,
  userStats: (userId: string | bigint) => `user:${userId}:stats`,
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
 * Written by the venue subgraph's check-in script, read by the user subgraph (`User.stats`).
 */
export function userStatsField(metric: StatsMetric, period: StatsPeriod, at: Date): string {
  return `${metric}:${period}:${statsPeriodKey(period, at)}`;
}
