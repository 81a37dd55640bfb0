// Redis keys owned by the venue subgraph (documented in docs/redis-keys.md), partitioned by owner
// (docs/decisions/0012): a user's presence keys carry `{u:<id>}`, a venue's `{v:<id>}`, indexes over
// all users are split into `{s:N}` shards. Keys other subgraphs read (venue:{v:<id>}:current, the
// heat rankings) come from @sport-venue/shared's redisKeys. Scripts get every key in KEYS.
import { shardOf, userTag, venueTag } from '@sport-venue/shared';

/** Shards of the per-user indexes (pending journals, session expiries). */
export const PRESENCE_SHARDS = 16;
const userShard = (userId: string) => shardOf(userId, PRESENCE_SHARDS);

/** The `{geo}` tag keeps the geo index and its rebuild copies in one slot (renamed in one MULTI). */
const GEO = 'venue:{geo}';

export const presenceKeys = {
  // --- one user's ({u:<id>}): the check-in/check-out user step touches only these
  /** HASH: the user's open session (sid, venueId, cityCode, startedAt, expiresAt, counted, source). */
  session: (userId: string) => `user:${userTag(userId)}:presence`,
  /** HASH: where and when the user last checked in (travel check) and the last ended session (replays). */
  last: (userId: string) => `user:${userTag(userId)}:presence:last`,
  /** STRING: when the user's last counted check-in at the venue happened (ms). */
  counted: (userId: string, venueId: string) => `checkin:counted:${userTag(userId)}:${venueId}`,
  /** STRING: stored result of a check-in, per user and idempotency key. */
  idempotency: (userId: string, key: string) => `checkin:idem:${userTag(userId)}:${key}`,
  /** STRING: accepted check-ins and check-outs of the user in one rate window. */
  rate: (userId: string, window: number) => `ratelimit:presence:${userTag(userId)}:${window}`,
  /** HASH: batch id → the user's presence change not yet applied to its venues and MariaDB. */
  journal: (userId: string) => `presence:journal:${userTag(userId)}`,

  // --- one venue's ({v:<id>}): the venue step touches only these
  /** HASH: user id → `startedAt|sessionId` of the session that made them present; count = HLEN. */
  venuePresent: (venueId: string) => `venue:${venueTag(venueId)}:present`,
  /** STRING: version of the venue's headcount, carried by occupancy messages. */
  venueSeq: (venueId: string) => `venue:${venueTag(venueId)}:seq`,
  /** ZSET: session ids closed at the venue in the last day (a late "open" of one is a no-op). */
  venueEnded: (venueId: string) => `venue:${venueTag(venueId)}:ended`,
  /** SET: users who checked in at the venue on a local date (distinct-user heat). */
  heatDay: (venueId: string, date: string) => `venue:${venueTag(venueId)}:heat:${date}`,

  // --- indexes over users, sharded ({s:N}); each member's shard is fixed by its user id
  /** ZSET: user id → a random version; users whose journal may hold entries. */
  journalIndex: (shard: number) => `presence:journal:index:{s:${shard}}`,
  journalIndexOf: (userId: string) => presenceKeys.journalIndex(userShard(userId)),
  /** ZSET: user id → expiry (ms) of the open session; the auto check-out sweeps it. */
  expiries: (shard: number) => `presence:expiries:{s:${shard}}`,
  expiriesOf: (userId: string) => presenceKeys.expiries(userShard(userId)),

  /** GEO: every venue; and one per sport for filtered nearby searches. */
  geo: () => GEO,
  geoSport: (sport: string) => `${GEO}:sport:${sport}`,
  geoRebuild: (id: string) => `${GEO}:rebuild:${id}`,
} as const;
