// Redis keys owned by the venue subgraph (documented in docs/redis-keys.md). Keys other
// subgraphs read (venue:{id}:current, venue:heat:rank, user:{id}:stats) come from
// @sport-venue/shared's redisKeys. lua/presence-common.lua builds the venue-scoped ones too.

export const presenceKeys = {
  /** HASH: the user's open session (sid, venueId, cityCode, startedAt, expiresAt, counted, source). */
  session: (userId: string) => `user:${userId}:presence`,
  /** HASH: where and when the user last checked in (travel check) and the last ended session (replays). */
  last: (userId: string) => `user:${userId}:presence:last`,
  /** SET: user ids present at the venue; the headcount moves only when it changes. */
  venuePresent: (venueId: string) => `venue:${venueId}:present`,
  /** STRING: version of the venue's headcount, carried by occupancy messages. */
  venueSeq: (venueId: string) => `venue:${venueId}:seq`,
  /** ZSET: user id → expiry (ms) of the open session; the auto check-out sweeps it. */
  expiries: () => 'presence:expiries',
  /** HASH: batch id → presence change not yet confirmed in MariaDB (see docs/decisions/0006). */
  journal: () => 'presence:journal',
  /** STRING: when the user's last counted check-in at the venue happened (ms). */
  counted: (userId: string, venueId: string) => `checkin:counted:${userId}:${venueId}`,
  /** STRING: stored result of a check-in, per user and idempotency key. */
  idempotency: (userId: string, key: string) => `checkin:idem:${userId}:${key}`,
  /** STRING: accepted check-ins and check-outs of the user in one rate window. */
  rate: (userId: string, window: number) => `ratelimit:presence:${userId}:${window}`,
  /** SET: users who checked in at the venue on a local date (distinct-user heat). */
  heatDay: (venueId: string, date: string) => `venue:${venueId}:heat:${date}`,
  /** ZSET: venue heat within one city (venue:heat:rank is the same over all cities). */
  heatCity: (cityCode: string) => `venue:heat:rank:${cityCode}`,
  /** GEO: every venue; and one per sport for filtered nearby searches. */
  geo: () => 'venue:geo',
  geoSport: (sport: string) => `venue:geo:sport:${sport}`,
} as const;
