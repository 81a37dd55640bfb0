// Starts the whole graph in-process for end-to-end tests: the four subgraphs on their own fresh
// stores (databases, Redis logical DB, Mongo database) and the router in front, all on ephemeral
// ports over real HTTP.
//
// `TEST_GRAPH_TOPOLOGY=cluster` (or the `topology` option) starts the same graph scaled out
// (docs/decisions/0012): Redis Cluster (keys isolated by prefix), two replicas of the router and of
// every subgraph sharing those stores, consumer groups and signing keys, behind HAProxy — the
// routers reach the subgraphs through it and `router.url` is its router frontend, so consecutive
// requests and sockets land on different replicas. The handles (`venue.db`, `social.settler`, …)
// are replica 0's; `router.hub.stats()` sums both routers.
import {
  createTestDatabase,
  createTestRedis,
  testMongoUrl,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { startBalancer } from '../../infra/balancer.ts';
import { freePort } from '../../infra/instance.ts';
import { startUserSubgraph } from '../../subgraphs/user/src/index.ts';
import { generateSigningKey, serializeSigningKeys } from '../../subgraphs/user/src/signing-keys.ts';
import { userConfigSchema } from '../../subgraphs/user/src/config.ts';
import { startFakeWeChat } from '../../subgraphs/user/src/wechat-fake.ts';
import { startVenueSubgraph } from '../../subgraphs/venue/src/index.ts';
import { defaultVenueConfig, type VenueConfig } from '../../subgraphs/venue/src/config.ts';
import { createSearchClient } from '../../subgraphs/venue/src/search/search-index.ts';
import { startSocialSubgraph } from '../../subgraphs/social/src/index.ts';
import { socialConfigSchema } from '../../subgraphs/social/src/config.ts';
import { startPredictionSubgraph } from '../../subgraphs/prediction/src/index.ts';
import type { PredictionSettings } from '../../subgraphs/prediction/src/config.ts';
import { startRouter, type RouterOptions } from '../../router/src/index.ts';
import { routerConfigSchema } from '../../router/src/config.ts';
import { parseConfig } from '@sport-venue/shared';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
  /** `single` (default, or TEST_GRAPH_TOPOLOGY) or `cluster`: see the top of this file. */
  topology?: 'single' | 'cluster';
}

const root = new URL('../../', import.meta.url).pathname;

export async function startGraph(options: GraphOptions = {}) {
  const topology = options.topology ?? (process.env.TEST_GRAPH_TOPOLOGY === 'cluster' ? 'cluster' : 'single');
  const replicas = topology === 'cluster' ? 2 : 1;
  const [userDb, venueDb, redis] = await Promise.all([
    createTestDatabase('user'),
    createTestDatabase('venue'),
    createTestRedis(topology === 'cluster' ? testServices.redisClusterUrl : undefined),
  ]);
  // Everything started so far, stopped in reverse: by stop(), or at once if a later part fails to
  // start (a half-started graph would keep the test process alive).
  const closers: Array<() => Promise<unknown>> = [userDb.drop, venueDb.drop];
  // Each part gets a bounded time to stop: a kafkajs consumer whose disconnect never settles was
  // seen once in a full run, and one stuck part must not keep the others (and the file) running.
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          console.error('test graph: a part did not stop within 15 s; going on with the others');
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
    closers.push(() => wechat.stop());
    // Replicas of one part share its stores, groups and keys: a token one user replica signs
    // verifies with the JWKS of the other.
    const userEnv = {
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
      ...(replicas > 1 ? { JWT_SIGNING_KEYS: serializeSigningKeys([generateSigningKey()]) } : {}),
    };
    const users = [];
    for (let i = 0; i < replicas; i++) {
      const replica = await startUserSubgraph({ ...parseConfig(userConfigSchema, userEnv), USER_PORT: 0 });
      closers.push(() => replica.stop());
      users.push(replica);
    }
    const user = users[0]!;
    const pubsubPrefix = `${uniqueId('t')}:`;
    const venueConfig: VenueConfig = {
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
    };
    // Runs after the venue replicas stopped: this graph's search indices (its alias is unique), so
    // the shared OpenSearch keeps no leftovers.
    closers.push(async () => {
      const search = createSearchClient({ url: testServices.opensearchUrl, timeoutMs: 5_000 });
      await search.indices.delete({ index: `${venueConfig.SEARCH_INDEX}-*` }).catch(() => undefined);
      await search.close();
    });
    const venues = [];
    for (let i = 0; i < replicas; i++) {
      const replica = await startVenueSubgraph(venueConfig);
      closers.push(() => replica.stop());
      venues.push(replica);
    }
    const venue = venues[0]!;
    const socialConfig = parseConfig(socialConfigSchema, {
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
    });
    const socials = [];
    for (let i = 0; i < replicas; i++) {
      const replica = await startSocialSubgraph({ ...socialConfig, SOCIAL_PORT: 0 });
      closers.push(() => replica.stop());
      socials.push(replica);
    }
    const social = socials[0]!;
    const predictions = [];
    for (let i = 0; i < replicas; i++) {
      const replica = await startPredictionSubgraph({
        ...base,
        PREDICTION_PORT: 0,
        REDIS_URL: redis.url,
        ...options.predictionEnv,
      });
      closers.push(() => replica.stop());
      predictions.push(replica);
    }
    const prediction = predictions[0]!;
    const parts = { user: users, venue: venues, social: socials, prediction: predictions };
    // Cluster: the routers' ports are picked first, so that one balancer fronts the routers and
    // the subgraphs they reach.
    const routerPorts = replicas > 1 ? await Promise.all(users.map(() => freePort())) : [0];
    const balancerDir = path.join(tmpdir(), uniqueId('sv-graph-lb-'));
    const balancer =
      replicas > 1
        ? await startBalancer({
            root,
            stateDir: balancerDir,
            backends: {
              // Liveness only: a router's /ready probes every subgraph (1 s each) through this
              // balancer, into this same busy process, and the subgraphs are checked on their own.
              router: { servers: routerPorts, check: '/health' },
              ...Object.fromEntries(
                Object.entries(parts).map(([name, list]) => [name, { servers: list.map((p) => p.port) }]),
              ),
            },
          })
        : null;
    if (balancer)
      closers.push(async () => {
        await balancer.stop();
        await rm(balancerDir, { recursive: true, force: true });
      });
    const subgraphUrl = (name: keyof typeof parts) =>
      balancer ? `http://127.0.0.1:${balancer.frontends[name]}` : parts[name][0]!.url;
    /** A router's settings on this graph: its subgraphs, stores and pub/sub prefix. */
    const routerSettings = (port: number, env: Record<string, string> = {}) =>
      parseConfig(routerConfigSchema, {
        ...base,
        ROUTER_PORT: String(port),
        REDIS_URL: redis.url,
        PUBSUB_PREFIX: pubsubPrefix,
        USER_SUBGRAPH_URL: `${subgraphUrl('user')}/graphql`,
        VENUE_SUBGRAPH_URL: `${subgraphUrl('venue')}/graphql`,
        SOCIAL_SUBGRAPH_URL: `${subgraphUrl('social')}/graphql`,
        PREDICTION_SUBGRAPH_URL: `${subgraphUrl('prediction')}/graphql`,
        USER_JWKS_URL: `${subgraphUrl('user')}/.well-known/jwks.json`,
        ...options.routerEnv,
        ...env,
      });
    const routers: Array<Awaited<ReturnType<typeof startRouter>>> = [];
    for (const port of routerPorts) {
      const replica = await startRouter(routerSettings(port), options.routerOptions);
      closers.push(() => replica.stop());
      routers.push(replica);
    }
    if (balancer)
      for (const name of ['router', ...Object.keys(parts)]) await balancer.healthy(name, replicas, 120_000);
    const router = {
      ...routers[0]!,
      url: balancer ? `http://127.0.0.1:${balancer.frontends.router}` : routers[0]!.url,
      /** Every router's subscriptions, added up. */
      hub: { stats: () => sumStats(routers.map((r) => r.hub.stats())) },
    };

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

    /**
     * One more router on this graph (beside the balancer in the cluster topology), with `env` on top
     * of the graph's router settings; stopped with the graph, or earlier by the caller.
     */
    async function startAnotherRouter(env: Record<string, string> = {}) {
      const replica = await startRouter(routerSettings(0, env));
      // Stopped once, whether by the caller first or only with the graph.
      let stopped: Promise<void> | undefined;
      const stop = () => (stopped ??= replica.stop());
      closers.push(stop);
      return { ...replica, stop };
    }

    return {
      topology,
      router,
      startAnotherRouter,
      /** Every replica (one each unless the topology is `cluster`). */
      replicas: { router: routers, ...parts },
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

function sumStats<T extends Record<string, number>>(all: T[]): T {
  const total = { ...all[0]! };
  for (const stats of all.slice(1))
    for (const key of Object.keys(total) as Array<keyof T>) (total[key] as number) += stats[key] as number;
  return total;
}

export type Graph = Awaited<ReturnType<typeof startGraph>>;
