// Wiring of the social subgraph: stores, board, publisher, use cases, GraphQL, and the workers
// (check-in consumer, settlement) unless PK_WORKERS=false.
import { randomUUID } from 'node:crypto';
import {
  createMongoConnection,
  createKafka,
  createLogger,
  createMetricsRegistry,
  createRedis,
  ensureTopics,
  registerConsumerLag,
  every,
  gracefulShutdown,
  loadConfig,
  parseConfig,
  startSubgraph,
  type PeriodicJob,
} from '@sport-venue/shared';
import { challengeModel, createChallengeStore } from './challenge-store.ts';
import { allowAllContent, createChallengeService, type ContentCheck } from './challenges.ts';
import { socialConfigSchema, type SocialConfig } from './config.ts';
import { createContext } from './context.ts';
import { createLeaderboardBoard } from './leaderboard-board.ts';
import { createLeaderboardPublisher } from './leaderboard-publisher.ts';
import { createProgressConsumer } from './progress-consumer.ts';
import { createProgressStore, progressModel } from './progress-store.ts';
import { createResolvers } from './resolvers.ts';
import { createSettler } from './settlement.ts';

export interface SocialOptions {
  contentCheck?: ContentCheck;
}

/** In-process callers (tests, tools) give what they need; the rest takes the schema defaults. */
export type SocialStartConfig = Pick<
  SocialConfig,
  'NODE_ENV' | 'LOG_LEVEL' | 'BIND_HOST' | 'SOCIAL_PORT' | 'MONGO_URL'
> &
  Partial<SocialConfig>;

export async function startSocialSubgraph(given: SocialStartConfig, options: SocialOptions = {}) {
  // Workers (Kafka consumer, settlement) start only when asked for: a process parses PK_WORKERS
  // (default true); an in-process caller that does not mention it must not consume shared topics.
  const config: SocialConfig = { ...parseConfig(socialConfigSchema, {}), PK_WORKERS: false, ...given };
  const logger = createLogger('social', config.LOG_LEVEL);
  const connection = await createMongoConnection(config.MONGO_URL);
  const challenges = createChallengeStore(challengeModel(connection));
  const progress = createProgressStore(progressModel(connection));
  // Unique indexes arbitrate seats, settlement claims and progress: writes that rely on one await
  // it (see the stores); starting does not, so /ready can report a store that is down.
  void Promise.all([challenges.ready(), progress.model.init()]).catch((err: unknown) =>
    logger.error({ err }, 'creating social indexes failed'),
  );
  const redis = createRedis(config.REDIS_URL);
  const board = createLeaderboardBoard(redis);
  const publisher = createLeaderboardPublisher(
    redis,
    config.PUBSUB_PREFIX,
    config.PK_PUBLISH_INTERVAL_MS,
    (err) => logger.warn({ err }, 'leaderboard publish failed'),
  );
  const service = createChallengeService({
    challenges,
    progress,
    board,
    publisher,
    rules: { dailyMinutesCap: config.PK_WORKOUT_DAILY_CAP_MINUTES },
    contentCheck: options.contentCheck ?? allowAllContent,
  });
  const kafka = createKafka(config.KAFKA_BROKERS, 'social', logger, {
    retry: { initialRetryTime: 250, retries: 3 },
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const settler = createSettler({
    challenges,
    progress,
    board,
    publisher,
    producer,
    pointsTopic: config.POINTS_COMMANDS_TOPIC,
    instance: randomUUID(),
    graceMs: config.PK_SETTLE_GRACE_MS,
    leaseMs: config.PK_SETTLE_LEASE_MS,
    logger,
  });
  const metrics = createMetricsRegistry();
  const consumer = createProgressConsumer({
    kafka,
    metrics,
    service,
    topic: config.CHECKIN_EVENTS_TOPIC,
    groupId: config.PK_CONSUMER_GROUP,
    logger,
    sessionTimeoutMs: config.PK_CONSUMER_SESSION_TIMEOUT_MS,
  });
  let settlement: PeriodicJob | null = null;
  if (config.PK_WORKERS) {
    await ensureTopics(kafka, [config.CHECKIN_EVENTS_TOPIC, config.POINTS_COMMANDS_TOPIC]);
    await producer.connect();
    await consumer.start();
    settlement = every('pk-settlement', config.PK_SETTLE_INTERVAL_MS, () => settler.settleDue(), logger);
  }
  const lag = registerConsumerLag(
    metrics,
    kafka,
    () =>
      config.PK_WORKERS ? [{ groupId: config.PK_CONSUMER_GROUP, topics: [config.CHECKIN_EVENTS_TOPIC] }] : [],
    logger,
  );
  const running = await startSubgraph(
    {
      name: 'social',
      metrics,
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers: createResolvers(service),
      context: (req) => createContext(req, config.INTERNAL_IDENTITY_SECRET, service),
      readiness: {
        mongodb: async () => {
          if (!connection.db) throw new Error('not connected');
          await connection.db.admin().ping();
        },
        redis: async () => {
          await redis.ping();
        },
      },
      logger,
      production: config.NODE_ENV === 'production',
    },
    config.SOCIAL_PORT,
    config.BIND_HOST,
  );
  return {
    ...running,
    connection,
    /** The mongoose model (tests and seed data create challenges directly). */
    challenges: challenges.model,
    challengeStore: challenges,
    progress,
    board,
    /** The subgraph's own Redis connection (tests count its round trips). */
    redis,
    service,
    settler,
    consumer,
    async stop() {
      await running.stop();
      await lag.close();
      await settlement?.stop();
      await consumer.stop();
      await producer.disconnect();
      await publisher.flush();
      redis.disconnect();
      await connection.close();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(socialConfigSchema);
  const app = await startSocialSubgraph(config);
  gracefulShutdown(createLogger('social', config.LOG_LEVEL)).register('social subgraph', () => app.stop());
}
