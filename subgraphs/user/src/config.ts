import {
  baseConfig,
  booleanFlag,
  brokerList,
  rejectDevSecretInProduction,
  identitySecret,
  intSetting,
  port,
  topicName,
  TOPICS,
  url,
  z,
  localService,
  redisUrlSetting,
  pubsubPrefixSetting,
} from '@sport-venue/shared';
import { parseSigningKeys } from './signing-keys.ts';
import { parseStreakBonuses } from './points-rules.ts';

/** Development-only fallbacks; production refuses to start while any of them is in use. */
export const DEV_SECRETS = {
  WECHAT_APPID: 'wx-dev-appid',
  WECHAT_SECRET: 'dev-only-wechat-secret',
  // 32 readable ASCII bytes, base64: recognisably not a real key.
  SESSION_KEY_ENCRYPTION_KEY: Buffer.from('dev-only-session-key-encryption!').toString('base64'),
  WECHAT_QUIET_TEMPLATE_ID: 'dev-quiet-alert-template',
} as const;

const userSettings = baseConfig.extend({
  USER_PORT: port(4001),
  USER_DATABASE_URL: url(localService.mysql('sv_user'), ['mysql', 'mariadb']),
  REDIS_URL: redisUrlSetting(localService.redis()),
  KAFKA_BROKERS: brokerList(localService.kafka()),
  INTERNAL_IDENTITY_SECRET: identitySecret,

  // WeChat jscode2session. In development `npm start` points the base at the local fake.
  WECHAT_API_BASE: url('https://api.weixin.qq.com', ['http', 'https']),
  WECHAT_APPID: z.string().min(1).default(DEV_SECRETS.WECHAT_APPID),
  WECHAT_SECRET: z.string().min(1).default(DEV_SECRETS.WECHAT_SECRET),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  /** base64 of 32 bytes: AES-256-GCM key for the stored session_key. */
  SESSION_KEY_ENCRYPTION_KEY: z
    .string()
    .default(DEV_SECRETS.SESSION_KEY_ENCRYPTION_KEY)
    .transform((v) => Buffer.from(v, 'base64'))
    .refine((key) => key.length === 32, 'must be base64 of exactly 32 bytes'),

  // "Tell me when it's quiet" (docs/decisions/0015): subscription messages through WeChat.
  WECHAT_QUIET_TEMPLATE_ID: z.string().min(1).max(128).default(DEV_SECRETS.WECHAT_QUIET_TEMPLATE_ID),
  WECHAT_MINIPROGRAM_STATE: z.enum(['developer', 'trial', 'formal']).default('formal'),
  /** Prefix of pub/sub channel names, the same in every process: the alerts listen to the venues' occupancy channels (packages/shared/src/channels.ts). */
  PUBSUB_PREFIX: pubsubPrefixSetting,
  /** `false`: this process serves GraphQL only and sends no quiet alerts. */
  QUIET_ALERTS_ENABLED: booleanFlag(true),
  QUIET_ALERT_SWEEP_MS: intSetting(60_000, 100),
  QUIET_ALERT_LEASE_MS: intSetting(60_000, 1_000),

  // Access tokens (RS256). Unset outside production: generated (development keeps them in .state/).
  JWT_SIGNING_KEYS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      try {
        return parseSigningKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  JWT_ISSUER: z.string().min(1).default('sport-venue-user'),
  JWT_AUDIENCE: z.string().min(1).default('sport-venue'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),

  // Operator console passwords (scrypt) and lockout.
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(15),
  OPERATOR_MAX_FAILED_LOGINS: intSetting(5, 1, 100),
  OPERATOR_LOCKOUT_MINUTES: intSetting(15, 1, 24 * 60),

  // Points (积分) and the ledger consumer.
  POINTS_PER_CHECKIN: intSetting(10, 1, 10_000),
  POINTS_DAILY_CHECKIN_CAP: intSetting(3, 1, 1_000),
  POINTS_STREAK_BONUSES: z
    .string()
    .default('3:20,7:50,30:200')
    .transform((value, ctx) => {
      try {
        return parseStreakBonuses(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  CHECKIN_EVENTS_TOPIC: topicName(TOPICS.checkinEvents),
  POINTS_COMMANDS_TOPIC: topicName(TOPICS.pointsCommands),
  POINTS_CONSUMER_GROUP: z.string().min(1).max(249).default('user-points'),
  POINTS_CONSUMER_ENABLED: booleanFlag(true),
  /** Consumer group deriving user:{u:<id>}:stats from checkin.events (runs with the points consumer). */
  STATS_CONSUMER_GROUP: z.string().min(1).max(249).default('user-stats'),
  /** Messages applied per ledger transaction. */
  POINTS_CONSUMER_CHUNK_SIZE: intSetting(500, 1, 500),
  /** Kafka group session timeout: how long a crashed consumer holds its partitions. */
  POINTS_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
});

export const userConfigSchema = userSettings.superRefine((config, ctx) => {
  rejectDevSecretInProduction(config, ctx);
  if (config.NODE_ENV !== 'production') return;
  const required = (variable: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message: 'is required in production' });
  if (config.WECHAT_APPID === DEV_SECRETS.WECHAT_APPID) required('WECHAT_APPID');
  if (config.WECHAT_SECRET === DEV_SECRETS.WECHAT_SECRET) required('WECHAT_SECRET');
  if (config.SESSION_KEY_ENCRYPTION_KEY.toString('base64') === DEV_SECRETS.SESSION_KEY_ENCRYPTION_KEY)
    required('SESSION_KEY_ENCRYPTION_KEY');
  if (!config.JWT_SIGNING_KEYS) required('JWT_SIGNING_KEYS');
  if (config.WECHAT_QUIET_TEMPLATE_ID === DEV_SECRETS.WECHAT_QUIET_TEMPLATE_ID)
    required('WECHAT_QUIET_TEMPLATE_ID');
  // The fake WeChat server speaks plain HTTP on loopback; production talks to the real API only.
  if (!config.WECHAT_API_BASE.startsWith('https://'))
    ctx.addIssue({ code: 'custom', path: ['WECHAT_API_BASE'], message: 'must be https in production' });
});

export type UserConfig = z.infer<typeof userConfigSchema>;

/** The standalone points consumer needs no secrets: only the database, Kafka and the rules. */
export const pointsConsumerConfigSchema = userSettings.pick({
  NODE_ENV: true,
  LOG_LEVEL: true,
  USER_DATABASE_URL: true,
  KAFKA_BROKERS: true,
  POINTS_PER_CHECKIN: true,
  POINTS_DAILY_CHECKIN_CAP: true,
  POINTS_STREAK_BONUSES: true,
  CHECKIN_EVENTS_TOPIC: true,
  POINTS_COMMANDS_TOPIC: true,
  POINTS_CONSUMER_GROUP: true,
  POINTS_CONSUMER_CHUNK_SIZE: true,
  POINTS_CONSUMER_SESSION_TIMEOUT_MS: true,
});

export type PointsConsumerConfig = z.infer<typeof pointsConsumerConfigSchema>;
