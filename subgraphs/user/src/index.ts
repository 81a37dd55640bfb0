import {
  createKafka,
  createLogger,
  createRedis,
  gracefulShutdown,
  identityFromRequest,
  loadConfig,
  requestInfo,
  sendJson,
  startSubgraph,
  type Logger,
} from '@sport-venue/shared';
import { userConfigSchema, type UserConfig } from './config.ts';
import { createLoaders, type Context } from './context.ts';
import { pointsConsumerFrom } from './points-consumer.ts';
import { passAllContent, type ContentCheck } from './profile.ts';
import { createResolvers } from './resolvers.ts';
import { createStatsConsumer } from './stats-consumer.ts';
import { devSigningKeysFile, jwksDocument, resolveSigningKeys } from './signing-keys.ts';
import { createUserDb } from './user-store.ts';
import { createWeChatClient } from './wechat-client.ts';

export interface UserSubgraphOptions {
  /** WeChat msgSecCheck (or any moderation) for user-visible text; default passes everything. */
  contentCheck?: ContentCheck;
}

/**
 * Keeps trying to start a consumer while Kafka is unreachable: GraphQL (login, profile, points
 * reads) works without Kafka, and points and stats catch up once it is back.
 */
function startInBackground(consumer: { start(): Promise<void>; stop(): Promise<void> }, logger: Logger) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = (delayMs: number) => {
    consumer.start().catch((err: unknown) => {
      if (stopped) return;
      logger.error({ err }, 'event consumer failed to start; retrying');
      timer = setTimeout(() => attempt(Math.min(delayMs * 2, 30_000)), delayMs);
    });
  };
  attempt(1_000);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await consumer.stop();
  };
}

export async function startUserSubgraph(config: UserConfig, options: UserSubgraphOptions = {}) {
  const logger = createLogger('user', config.LOG_LEVEL);
  const keys = resolveSigningKeys(config.JWT_SIGNING_KEYS, config.NODE_ENV, devSigningKeysFile());
  const db = createUserDb(config.USER_DATABASE_URL);
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const jwks = jwksDocument(keys);

  const resolvers = createResolvers({
    db,
    redis,
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
  });

  const running = await startSubgraph<Context>(
    {
      name: 'user',
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers,
      context: async (req) => ({
        ...requestInfo(req),
        viewer: await identityFromRequest(req, config.INTERNAL_IDENTITY_SECRET),
        ...createLoaders(db),
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
    ? pointsConsumerFrom(config, consumerDb, logger.child({ part: 'points' }))
    : null;
  const stopConsumer = consumer ? startInBackground(consumer, logger) : async () => {};
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
  const stopStatsConsumer = statsConsumer ? startInBackground(statsConsumer, logger) : async () => {};

  return {
    ...running,
    db,
    redis,
    keys,
    consumer,
    statsConsumer,
    async stop() {
      await Promise.all([stopConsumer(), stopStatsConsumer()]);
      await running.stop();
      await Promise.all([db.$disconnect(), consumerDb?.$disconnect()]);
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
