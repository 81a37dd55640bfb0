// Starts the whole graph in-process for end-to-end tests: the four subgraphs on their own fresh
// stores (databases, Redis logical DB, Mongo database) and the router in front, all on ephemeral
// ports over real HTTP.
import {
  createTestDatabase,
  createTestRedis,
  testMongoUrl,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { startUserSubgraph } from '../../subgraphs/user/src/index.ts';
import { userConfigSchema } from '../../subgraphs/user/src/config.ts';
import { startFakeWeChat } from '../../subgraphs/user/src/wechat-fake.ts';
import { startVenueSubgraph } from '../../subgraphs/venue/src/index.ts';
import { defaultVenueConfig, type VenueConfig } from '../../subgraphs/venue/src/config.ts';
import { createSearchClient } from '../../subgraphs/venue/src/search-index.ts';
import { startSocialSubgraph } from '../../subgraphs/social/src/index.ts';
import { socialConfigSchema } from '../../subgraphs/social/src/config.ts';
import { startPredictionSubgraph } from '../../subgraphs/prediction/src/index.ts';
import type { PredictionSettings } from '../../subgraphs/prediction/src/config.ts';
import { startRouter, type RouterOptions } from '../../router/src/index.ts';
import { routerConfigSchema } from '../../router/src/config.ts';
import { parseConfig } from '@sport-venue/shared';

const base = {
  NODE_ENV: 'test' as const,
  LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent',
  BIND_HOST: '127.0.0.1',
};

export interface GraphOptions {
  /** Router settings to override (e.g. USER_JWKS_URL, limits). */
  routerEnv?: Record<string, string>;
  /** Prediction subgraph settings to override (e.g. PREDICTOR_URL of a test model server). */
  predictionEnv?: Partial<PredictionSettings>;
  /** Venue subgraph settings to override (e.g. a small database pool). */
  venueEnv?: Partial<VenueConfig>;
  /** Router options (e.g. where its log lines go). */
  routerOptions?: RouterOptions;
}

export async function startGraph(options: GraphOptions = {}) {
  const [userDb, venueDb, redis] = await Promise.all([
    createTestDatabase('user'),
    createTestDatabase('venue'),
    createTestRedis(),
  ]);
  // Everything started so far, stopped in reverse: by stop(), or at once if a later part fails to
  // start (a half-started graph would keep the test process alive).
  const closers: Array<[string, () => Promise<unknown>]> = [
    ['user database', userDb.drop],
    ['venue database', venueDb.drop],
  ];
  // Each part gets a bounded time to stop: a kafkajs consumer whose disconnect never settles was
  // seen once in a full run, and one stuck part must not keep the others (and the file) running.
  const stopAll = async () => {
    for (const [part, close] of closers.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          console.error(`test graph: ${part} did not stop within 15 s; going on with the others`);
          resolve();
        }, 15_000);
      });
      await Promise.race([close().catch(() => undefined), late]);
      clearTimeout(timer);
    }
  };
  try {
    const mongoUrl = testMongoUrl('social');
    // The venue subgraph produces check-in events, the user subgraph turns them into points.
    const topics = {
      checkinEvents: uniqueId('checkin.events.'),
      pointsCommands: uniqueId('points.commands.'),
    };
    // Login goes through the fake WeChat API: codes `test-<name>` log in as openid `o-test-<name>`.
    const wechat = await startFakeWeChat();
    closers.push(['fake WeChat', () => wechat.stop()]);
    const user = await startUserSubgraph({
      ...parseConfig(userConfigSchema, {
        ...base,
        USER_DATABASE_URL: userDb.url,
        KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
        REDIS_URL: redis.url,
        WECHAT_API_BASE: wechat.url,
        CHECKIN_EVENTS_TOPIC: topics.checkinEvents,
        POINTS_COMMANDS_TOPIC: topics.pointsCommands,
        POINTS_CONSUMER_GROUP: uniqueId('user-points-'),
        STATS_CONSUMER_GROUP: uniqueId('user-stats-'),
        POINTS_CONSUMER_SESSION_TIMEOUT_MS: '6000',
        PASSWORD_SCRYPT_LOG_N: '12',
      }),
      USER_PORT: 0,
    });
    closers.push(['user', () => user.stop()]);
    const pubsubPrefix = `${uniqueId('t')}:`;
    const venue = await startVenueSubgraph({
      ...defaultVenueConfig(),
      ...base,
      VENUE_PORT: 0,
      VENUE_DATABASE_URL: venueDb.url,
      KAFKA_BROKERS: testServices.kafkaBrokers,
      REDIS_URL: redis.url,
      // Own topics and channels: test events never reach the shared ones (docs/events.md).
      CHECKIN_EVENTS_TOPIC: topics.checkinEvents,
      BOOKING_EVENTS_TOPIC: uniqueId('booking.events.'),
      VENUE_EVENTS_TOPIC: uniqueId('venue.events.'),
      SEARCH_INDEX: uniqueId('test-venues-'),
      SEARCH_INDEXER_GROUP: uniqueId('venue-search-'),
      OPENSEARCH_URL: testServices.opensearchUrl,
      PUBSUB_PREFIX: pubsubPrefix,
      ...options.venueEnv,
    });
    closers.push([
      'venue',
      async () => {
        await venue.stop();
        // This graph's search indices (its alias is unique): the shared OpenSearch keeps no leftovers.
        const search = createSearchClient({ url: testServices.opensearchUrl, timeoutMs: 5_000 });
        await search.indices.delete({ index: `${venue.config.SEARCH_INDEX}-*` }).catch(() => undefined);
        await search.close();
      },
    ]);
    const social = await startSocialSubgraph({
      ...parseConfig(socialConfigSchema, {
        ...base,
        MONGO_URL: mongoUrl,
        REDIS_URL: redis.url,
        KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
        CHECKIN_EVENTS_TOPIC: topics.checkinEvents,
        POINTS_COMMANDS_TOPIC: topics.pointsCommands,
        PK_CONSUMER_GROUP: uniqueId('social-pk-'),
        PK_CONSUMER_SESSION_TIMEOUT_MS: '6000',
        PUBSUB_PREFIX: pubsubPrefix,
        // Settlement is driven by the tests (settler.settleDue) rather than a timer.
        PK_SETTLE_INTERVAL_MS: '3600000',
      }),
      SOCIAL_PORT: 0,
    });
    closers.push(['social', () => social.stop()]);
    const prediction = await startPredictionSubgraph({
      ...base,
      PREDICTION_PORT: 0,
      REDIS_URL: redis.url,
      ...options.predictionEnv,
    });
    closers.push(['prediction', () => prediction.stop()]);
    const router = await startRouter(
      parseConfig(routerConfigSchema, {
        ...base,
        ROUTER_PORT: '0',
        REDIS_URL: redis.url,
        PUBSUB_PREFIX: pubsubPrefix,
        USER_SUBGRAPH_URL: `${user.url}/graphql`,
        VENUE_SUBGRAPH_URL: `${venue.url}/graphql`,
        SOCIAL_SUBGRAPH_URL: `${social.url}/graphql`,
        PREDICTION_SUBGRAPH_URL: `${prediction.url}/graphql`,
        USER_JWKS_URL: `${user.url}/.well-known/jwks.json`,
        ...options.routerEnv,
      }),
      options.routerOptions,
    );
    closers.push(['router', () => router.stop()]);

    async function graphql<T = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ): Promise<{
      data?: T;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
      status: number;
    }> {
      const res = await fetch(`${router.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as {
        data?: T;
        errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
      };
      return { ...body, status: res.status };
    }

    return {
      router,
      user,
      venue,
      social,
      prediction,
      redisUrl: redis.url,
      pubsubPrefix,
      topics,
      wechat,
      graphql,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export type Graph = Awaited<ReturnType<typeof startGraph>>;
