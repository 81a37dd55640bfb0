import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  channels,
  acquireProcessIds,
  createRedis,
  registerConsumerLag,
  gracefulShutdown,
  identityFromRequest,
  loadConfig,
  requestInfo,
  sendJson,
  startSubgraph,
} from '@sport-venue/shared';
import { userConfigSchema, type UserConfig } from './config.ts';
import { createLoaders, type Context } from './context.ts';
import { pointsConsumerFrom } from './points-consumer.ts';
import { passAllContent, type ContentCheck } from './profile.ts';
import { createResolvers } from './resolvers.ts';
import { createStatsConsumer } from './stats-consumer.ts';
import { devSigningKeysFile, jwksDocument, resolveSigningKeys } from './signing-keys.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createUserDb } from './user-store.ts';
import { createQuietAlertDispatcher, runQuietAlerts } from './quiet-alert-dispatcher.ts';
import { createWeChatClient } from './wechat-client.ts';
import { createWeChatMessenger } from './wechat-messages.ts';

export interface UserSubgraphOptions {
  /** WeChat msgSecCheck (or any moderation) for user-visible text; default passes everything. */
  contentCheck?: ContentCheck;
  /** The Prisma client to use (tests pass one that reports its queries); default from config. */
  db?: PrismaClient;
}

export async function startUserSubgraph(config: UserConfig, options: UserSubgraphOptions = {}) {
  const logger = createLogger('user', config.LOG_LEVEL);
  const keys = resolveSigningKeys(config.JWT_SIGNING_KEYS, config.NODE_ENV, devSigningKeysFile());
  const db = options.db ?? createUserDb(config.USER_DATABASE_URL);
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  // Row ids are made here (docs/decisions/0021): this process's id worker number, leased in Redis.
  const releaseIds = await acquireProcessIds(redis);
  const jwks = jwksDocument(keys);

  const resolvers = createResolvers({
    db,
    logger,
    wechat: createWeChatClient({
      baseUrl: config.WECHAT_API_BASE,
      appid: config.WECHAT_APPID,
      secret: config.WECHAT_SECRET,
      timeoutMs: config.WECHAT_TIMEOUT_MS,
    }),
    sessions: {
      keys,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    },
    vaultKey: config.SESSION_KEY_ENCRYPTION_KEY,
    passwords: {
      scryptLogN: config.PASSWORD_SCRYPT_LOG_N,
      maxFailures: config.OPERATOR_MAX_FAILED_LOGINS,
      lockoutMinutes: config.OPERATOR_LOCKOUT_MINUTES,
    },
    contentCheck: options.contentCheck ?? passAllContent,
    quietAlerts: { templateId: config.WECHAT_QUIET_TEMPLATE_ID },
  });

  const metrics = createMetricsRegistry();
  const running = await startSubgraph<Context>(
    {
      name: 'user',
      metrics,
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers,
      context: async (req) => ({
        ...requestInfo(req),
        viewer: await identityFromRequest(req, config.INTERNAL_IDENTITY_SECRET),
        ...createLoaders(db, redis),
      }),
      // Kafka is left out on purpose: without it only points lag, and the graph should keep serving.
      readiness: { mariadb: () => db.$queryRaw`SELECT 1`, redis: () => redis.ping() },
      logger,
      production: config.NODE_ENV === 'production',
      routes: {
        // The router verifies access tokens against these keys (cached; refetched on unknown kid).
        '/.well-known/jwks.json': (_req, res) =>
          sendJson(res, 200, jwks, { 'cache-control': 'public, max-age=300' }),
      },
    },
    config.USER_PORT,
    config.BIND_HOST,
  );

  // The consumer gets its own pool so a backlog of events cannot starve GraphQL requests.
  const consumerDb = config.POINTS_CONSUMER_ENABLED ? createUserDb(config.USER_DATABASE_URL, 8) : null;
  const consumer = consumerDb
    ? pointsConsumerFrom(config, consumerDb, logger.child({ part: 'points' }), metrics)
    : null;
  // GraphQL (login, profile, points reads) works without Kafka: the consumers keep trying to start
  // while it is unreachable, and points and stats catch up once it is back.
  consumer?.startInBackground();
  const statsConsumer = config.POINTS_CONSUMER_ENABLED
    ? createStatsConsumer({
        kafka: createKafka(config.KAFKA_BROKERS, 'user-stats', logger, {
          retry: { initialRetryTime: 250, retries: 3 },
        }),
        redis,
        topic: config.CHECKIN_EVENTS_TOPIC,
        groupId: config.STATS_CONSUMER_GROUP,
        logger: logger.child({ part: 'stats' }),
        sessionTimeoutMs: config.POINTS_CONSUMER_SESSION_TIMEOUT_MS,
      })
    : null;
  statsConsumer?.startInBackground();

  const lag = registerConsumerLag(
    metrics,
    createKafka(config.KAFKA_BROKERS, 'user-lag', logger),
    () =>
      consumer
        ? [
            {
              groupId: config.POINTS_CONSUMER_GROUP,
              topics: [config.CHECKIN_EVENTS_TOPIC, config.POINTS_COMMANDS_TOPIC],
            },
            { groupId: config.STATS_CONSUMER_GROUP, topics: [config.CHECKIN_EVENTS_TOPIC] },
          ]
        : [],
    logger,
  );

  // Quiet alerts: every replica listens; a conditional claim lets exactly one send each message.
  const quietAlerts = createQuietAlertDispatcher({
    db,
    messenger: createWeChatMessenger({
      baseUrl: config.WECHAT_API_BASE,
      appid: config.WECHAT_APPID,
      secret: config.WECHAT_SECRET,
      timeoutMs: config.WECHAT_TIMEOUT_MS,
      miniprogramState: config.WECHAT_MINIPROGRAM_STATE,
    }),
    logger: logger.child({ part: 'quiet-alerts' }),
    leaseMs: config.QUIET_ALERT_LEASE_MS,
  });
  const subscriber = config.QUIET_ALERTS_ENABLED
    ? createRedis(config.REDIS_URL, { maxRetriesPerRequest: null })
    : null;
  subscriber?.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber error'));
  const quietAlertWorker = subscriber
    ? await runQuietAlerts(
        quietAlerts,
        subscriber,
        channels.occupancy.pattern(config.PUBSUB_PREFIX),
        config.QUIET_ALERT_SWEEP_MS,
        logger,
      )
    : null;

  return {
    ...running,
    db,
    redis,
    keys,
    consumer,
    statsConsumer,
    quietAlerts,
    quietAlertSweep: quietAlertWorker?.sweep ?? null,
    async stop() {
      await quietAlertWorker?.stop();
      subscriber?.disconnect();
      await Promise.all([consumer?.stop(), statsConsumer?.stop()]);
      await lag.close();
      await running.stop();
      await Promise.all([db.$disconnect(), consumerDb?.$disconnect()]);
      await releaseIds();
      redis.disconnect();
    },
  };
}

export type RunningUserSubgraph = Awaited<ReturnType<typeof startUserSubgraph>>;

if (import.meta.main) {
  const config = loadConfig(userConfigSchema);
  const app = await startUserSubgraph(config);
  gracefulShutdown(createLogger('user', config.LOG_LEVEL)).register('user subgraph', () => app.stop());
}
