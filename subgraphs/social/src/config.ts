import {
  baseConfig,
  booleanFlag,
  brokerList,
  identitySecret,
  intSetting,
  port,
  rejectDevSecretInProduction,
  topicName,
  TOPICS,
  url,
  z,
  localService,
  pubsubPrefixSetting,
  redisUrlSetting,
} from '@sport-venue/shared';

/** Upper bound of the settlement durations: one day. */
const DAY_MS = 86_400_000;

export const socialConfigSchema = baseConfig
  .extend({
    SOCIAL_PORT: port(4003),
    MONGO_URL: url(localService.mongo('sv_social'), ['mongodb']),
    REDIS_URL: redisUrlSetting(localService.redis()),
    KAFKA_BROKERS: brokerList(localService.kafka()),
    INTERNAL_IDENTITY_SECRET: identitySecret,
    CHECKIN_EVENTS_TOPIC: topicName(TOPICS.checkinEvents),
    POINTS_COMMANDS_TOPIC: topicName(TOPICS.pointsCommands),
    PK_CONSUMER_GROUP: z.string().min(1).default('social-pk-progress'),
    PK_CONSUMER_SESSION_TIMEOUT_MS: intSetting(30_000, 6_000, 300_000),
    /** Prefix of pub/sub channel names, the same in every process (packages/shared/src/channels.ts). */
    PUBSUB_PREFIX: pubsubPrefixSetting,
    PK_PUBLISH_INTERVAL_MS: intSetting(250, 10, 60_000),
    PK_WORKOUT_DAILY_CAP_MINUTES: z.coerce.number().int().min(1).max(1440).default(180),
    PK_SETTLE_INTERVAL_MS: intSetting(30_000, 100, DAY_MS),
    PK_SETTLE_GRACE_MS: intSetting(600_000, 0, DAY_MS),
    PK_SETTLE_LEASE_MS: intSetting(120_000, 1_000, DAY_MS),
    /** false: this process serves GraphQL only (consumer and settlement run elsewhere). */
    PK_WORKERS: booleanFlag(true),
  })
  .superRefine(rejectDevSecretInProduction);

export type SocialConfig = z.infer<typeof socialConfigSchema>;
