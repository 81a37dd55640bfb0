import {
  baseConfig,
  brokerList,
  rejectDevSecretInProduction,
  topicName,
  TOPICS,
  identitySecret,
  intSetting,
  booleanFlag,
  port,
  url,
  z,
  localService,
  pubsubPrefixSetting,
  redisUrlSetting,
} from '@sport-venue/shared';

export const venueConfigSchema = baseConfig
  .extend({
    VENUE_PORT: port(4002),
    VENUE_DATABASE_URL: url(localService.mysql('sv_venue'), ['mysql', 'mariadb']),
    VENUE_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
    REDIS_URL: redisUrlSetting(localService.redis()),
    KAFKA_BROKERS: brokerList(localService.kafka()),
    INTERNAL_IDENTITY_SECRET: identitySecret,
    CHECKIN_EVENTS_TOPIC: topicName(TOPICS.checkinEvents),
    BOOKING_EVENTS_TOPIC: topicName(TOPICS.bookingEvents),
    VENUE_EVENTS_TOPIC: topicName(TOPICS.venueEvents),
    /** OpenSearch for venueSearch; the subgraph starts and serves everything else without it. */
    OPENSEARCH_URL: url(localService.opensearch(), ['http', 'https']),
    /** The alias venueSearch reads and the indexer writes; `search:rebuild` swaps it. */
    SEARCH_INDEX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be 1-100 lower-case letters, digits or . _ -')
      .default('venues'),
    /** Deadline of one OpenSearch request: venueSearch answers SEARCH_UNAVAILABLE after it. */
    SEARCH_TIMEOUT_MS: intSetting(1_500, 50),
    SEARCH_INDEXER_GROUP: z.string().min(1).default('venue-search-indexer'),
    /** `false`: this process serves venueSearch but does not index (another replica does). */
    SEARCH_INDEXER_ENABLED: booleanFlag(true),
    /** Prefix of pub/sub channel names, the same in every process (packages/shared/src/channels.ts). */
    PUBSUB_PREFIX: pubsubPrefixSetting,
    /** Headcount history: every venue's live count is stored this often. */
    OCCUPANCY_SAMPLE_INTERVAL_MS: intSetting(300_000, 1_000),
    AUTO_CHECKOUT_INTERVAL_MS: intSetting(15_000, 100),
    OUTBOX_RELAY_INTERVAL_MS: intSetting(1_000, 10),
    /** Published outbox rows are deleted after this many hours. */
    OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).default(72),
    /** Check-in rules (product defaults; see docs/decisions/0006). */
    CHECKIN_MAX_ACCURACY_M: z.coerce.number().positive().max(5_000).default(100),
    CHECKIN_MAX_STAY_MIN: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(240),
    CHECKIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    CHECKIN_RATE_WINDOW_S: z.coerce.number().int().min(1).default(600),
    CHECKIN_MAX_SPEED_KMH: z.coerce.number().positive().default(120),
    /**
     * How long a booking waits for a database connection before it is shed as SERVICE_BUSY
     * (HTTP 503 at the router): a burst queues up to this long rather than failing at once.
     */
    BOOKING_TX_MAX_WAIT_MS: intSetting(5_000, 10, 60_000),
    BOOKING_FREE_CANCEL_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(12),
  })
  .superRefine(rejectDevSecretInProduction);

export type VenueConfig = z.infer<typeof venueConfigSchema>;

/** Every setting at its default: the base tests and scripts override. */
export function defaultVenueConfig(): VenueConfig {
  return venueConfigSchema.parse({});
}
