// The user subgraph on its own fresh database and Redis DB, with the fake WeChat API, over real
// HTTP. Calls that bypass the router carry an identity header signed like the router signs it.
import { DEV_IDENTITY_SECRET, IDENTITY_HEADER, signIdentity, type Viewer } from '@sport-venue/shared';
import { createTestDatabase, createTestRedis } from '@sport-venue/shared/testing';
import { userConfigSchema, type UserConfig } from '../src/config.ts';
import { startUserSubgraph, type UserSubgraphOptions } from '../src/index.ts';
import { startFakeWeChat } from '../src/wechat-fake.ts';

export interface GraphQLResult<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Test settings: cheap password hashing, no Kafka unless asked for. */
export function testConfig(env: Record<string, string | undefined>): UserConfig {
  return userConfigSchema.parse({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSWORD_SCRYPT_LOG_N: '10',
    POINTS_CONSUMER_ENABLED: 'false',
    ...env,
  });
}

export async function startUserForTest(
  env: Record<string, string | undefined> = {},
  options: UserSubgraphOptions = {},
) {
  const [database, redis, wechat] = await Promise.all([
    createTestDatabase('user'),
    createTestRedis(),
    startFakeWeChat({ slowMs: 3_000 }),
  ]);
  const configFor = (overrides: Record<string, string | undefined>) => ({
    ...testConfig({
      USER_DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      WECHAT_API_BASE: wechat.url,
      WECHAT_TIMEOUT_MS: '500',
      ...overrides,
    }),
    USER_PORT: 0,
  });
  let config = configFor(env);
  let app = await startUserSubgraph(config, options);

  async function graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    viewer?: Viewer,
  ): Promise<GraphQLResult<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (viewer) headers[IDENTITY_HEADER] = await signIdentity(viewer, DEV_IDENTITY_SECRET);
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResult<T>;
  }

  return {
    get app() {
      return app;
    },
    get db() {
      return app.db;
    },
    get config() {
      return config;
    },
    wechat,
    redisUrl: redis.url,
    graphql,
    /** A new instance on the same database, e.g. with rotated signing keys. */
    async restart(overrides: Record<string, string | undefined>) {
      await app.stop();
      config = configFor({ ...env, ...overrides });
      app = await startUserSubgraph(config, options);
    },
    async stop() {
      await app.stop();
      await wechat.stop();
      await database.drop();
    },
  };
}

export type UserUnderTest = Awaited<ReturnType<typeof startUserForTest>>;

export const asUser = (
  userId: bigint | string | number,
  roles: Viewer['roles'] = ['USER'],
  venueIds: string[] = [],
) => ({
  userId: userId.toString(),
  roles,
  venueIds,
});

export const codeOf = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions?.code;
