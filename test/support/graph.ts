// Starts the whole graph in-process for end-to-end tests: the four subgraphs on their own fresh
// stores (databases, Redis logical DB, Mongo database) and the router in front, all on ephemeral
// ports over real HTTP.
import { createTestDatabase, createTestRedis, testMongoUrl } from '@sport-venue/shared/testing';
import { startUserSubgraph } from '../../subgraphs/user/src/index.ts';
import { startVenueSubgraph } from '../../subgraphs/venue/src/index.ts';
import { startSocialSubgraph } from '../../subgraphs/social/src/index.ts';
import { startPredictionSubgraph } from '../../subgraphs/prediction/src/index.ts';
import { startRouter } from '../../router/src/index.ts';

const base = {
  NODE_ENV: 'test' as const,
  LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent',
  BIND_HOST: '127.0.0.1',
};

export async function startGraph() {
  const [userDb, venueDb, redis] = await Promise.all([
    createTestDatabase('user'),
    createTestDatabase('venue'),
    createTestRedis(),
  ]);
  const mongoUrl = testMongoUrl('social');
  const user = await startUserSubgraph({ ...base, USER_PORT: 0, USER_DATABASE_URL: userDb.url });
  const venue = await startVenueSubgraph({
    ...base,
    VENUE_PORT: 0,
    VENUE_DATABASE_URL: venueDb.url,
    REDIS_URL: redis.url,
  });
  const social = await startSocialSubgraph({ ...base, SOCIAL_PORT: 0, MONGO_URL: mongoUrl });
  const prediction = await startPredictionSubgraph({ ...base, PREDICTION_PORT: 0, REDIS_URL: redis.url });
  const router = await startRouter({
    ...base,
    ROUTER_PORT: 0,
    SUPERGRAPH_PATH: undefined,
    USER_SUBGRAPH_URL: `${user.url}/graphql`,
    VENUE_SUBGRAPH_URL: `${venue.url}/graphql`,
    SOCIAL_SUBGRAPH_URL: `${social.url}/graphql`,
    PREDICTION_SUBGRAPH_URL: `${prediction.url}/graphql`,
    SUBGRAPH_TIMEOUT_MS: 10_000,
  });

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
    graphql,
    async stop() {
      await router.stop();
      await Promise.all([user.stop(), venue.stop(), social.stop(), prediction.stop()]);
      await Promise.all([userDb.drop(), venueDb.drop()]);
    },
  };
}

export type Graph = Awaited<ReturnType<typeof startGraph>>;
