import {
  baseConfig,
  brokerList,
  identitySecret,
  port,
  rejectDevSecretInProduction,
  url,
  z,
  localService,
} from '@sport-venue/shared';

const ms = (fallback: number, min = 1, max = 86_400_000) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const topicName = (fallback: string) =>
  z
    .string()
    .regex(/^[\w.-]{1,249}$/, 'must be a Kafka topic name ([A-Za-z0-9._-])')
    .default(fallback);

export const socialConfigSchema = baseConfig
  .extend({
    SOCIAL_PORT: port(4003),
    MONGO_URL: url(localService.mongo('sv_social'), ['mongodb']),
    REDIS_URL: url(localService.redis(), ['redis', 'rediss']),
    KAFKA_BROKERS: brokerList(localService.kafka()),
    INTERNAL_IDENTITY_SECRET: identitySecret,
    CHECKIN_EVENTS_TOPIC: topicName('checkin.events'),
    POINTS_COMMANDS_TOPIC: topicName('points.commands'),
    PK_CONSUMER_GROUP: z.string().min(1).default('social-pk-progress'),
    PK_CONSUMER_SESSION_TIMEOUT_MS: ms(30_000, 6_000, 300_000),
    /** Must equal the router's PUBSUB_PREFIX + "pk:leaderboard:". */
    PK_LEADERBOARD_CHANNEL_PREFIX: z.string().default('pk:leaderboard:'),
    PK_PUBLISH_INTERVAL_MS: ms(250, 10, 60_000),
    PK_WORKOUT_DAILY_CAP_MINUTES: z.coerce.number().int().min(1).max(1440).default(180),
    PK_SETTLE_INTERVAL_MS: ms(30_000, 100),
    PK_SETTLE_GRACE_MS: ms(600_000, 0),
    PK_SETTLE_LEASE_MS: ms(120_000, 1_000),
    /** false: this process serves GraphQL only (consumer and settlement run elsewhere). */
    PK_WORKERS: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
  })
  .superRefine(rejectDevSecretInProduction);

export type SocialConfig = z.infer<typeof socialConfigSchema>;
