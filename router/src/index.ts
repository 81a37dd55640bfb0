import { ApolloServer, type ApolloServerPlugin, type GraphQLRequest } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { buildSchema, printSchema, type GraphQLError, type GraphQLSchema } from 'graphql';
import {
  closeServer,
  createGraphQLHttpServer,
  createLogger,
  createRedis,
  gracefulShutdown,
  listen,
  loadConfig,
  maskUnexpectedErrors,
  startSpan,
  type Logger,
} from '@sport-venue/shared';
import { checkLimits, exceedsTokenLimit, type Limits } from './limits.ts';
import { createRateLimiter } from './rate-limit.ts';
import { createAuthenticator, type Authenticate } from './auth.ts';
import { createRouterMetrics, metricsPlugin, observeLive } from './metrics.ts';
import { routerConfigSchema, subgraphUrlOverrides, type RouterConfig } from './config.ts';
import { httpContext, rejectBadTokens } from './context.ts';
import { createGateway, subgraphUrls, supergraphFile, type RouterContext } from './gateway.ts';
import { checkAccess, extractSecurityPolicy, type SecurityPolicy } from './security.ts';
import { SubscriptionHub } from './subscriptions/hub.ts';
import { eventSources } from './subscriptions/sources.ts';
import { attachWebSocket } from './subscriptions/websocket.ts';

async function probe(url: string, timeoutMs: number) {
  const ready = new URL('/ready', url);
  const res = await fetch(ready, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${ready.host} answered ${res.status}`);
}

/**
 * Checks that run before any subgraph is called (the token count already ran before parsing):
 * depth/aliases/cost, authorisation, and the shared rate limit.
 */
function guard(opts: {
  limits: Limits;
  policy: () => SecurityPolicy;
  rateLimit: ReturnType<typeof createRateLimiter>;
  logger: Logger;
}): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, operation, request, contextValue }) {
          if (!operation) return; // Apollo reports the missing operation itself
          const overLimit = checkLimits(schema, document, operation, opts.limits, request.variables ?? {});
          if (overLimit) throw overLimit;
          const denied = checkAccess(schema, document, opts.policy(), contextValue.viewer);
          if (denied) throw denied;
          if (contextValue.internal) return;
          let limited: GraphQLError | null;
          try {
            limited = await opts.rateLimit({
              userId: contextValue.viewer?.userId ?? null,
              ip: contextValue.ip ?? 'unknown',
            });
          } catch (err) {
            opts.logger.warn({ err: (err as Error).message }, 'rate limiter unavailable; serving without it');
            return;
          }
          if (limited) throw limited;
        },
      };
    },
  };
}

export interface RouterOptions {
  /** Token verification; defaults to the user subgraph's JWKS from config. */
  authenticate?: Authenticate;
}

export async function startRouter(config: RouterConfig, options: RouterOptions = {}) {
  const logger = createLogger('router', config.LOG_LEVEL);
  const overrides = subgraphUrlOverrides(config);
  const metrics = createRouterMetrics();
  const supergraph = supergraphFile(config.SUPERGRAPH_PATH, config.SUPERGRAPH_POLL_MS);
  const supergraphSdl = supergraph.current();
  // Set by the schema-load hook below, which the gateway calls while apollo.start() loads the
  // supergraph: before any request or socket is served.
  let policy: SecurityPolicy | null = null;
  const currentPolicy = (): SecurityPolicy => {
    if (!policy) throw new Error('the security policy is not loaded yet'); // fail closed
    return policy;
  };
  const gateway = createGateway({
    supergraph,
    urlOverrides: overrides,
    identitySecret: config.INTERNAL_IDENTITY_SECRET,
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    onFetch: (subgraph, seconds) => metrics.subgraphSeconds.observe({ subgraph }, seconds),
  });
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: next, coreSupergraphSdl }) => {
    const reload = apiSchema !== null;
    // The composed directives survive the SECURITY purpose being dropped for the gateway.
    policy = extractSecurityPolicy(coreSupergraphSdl);
    // Our own copy: Apollo wraps the resolvers of the schema it executes, which would override the
    // subscription payload resolver.
    apiSchema = buildSchema(printSchema(next));
    if (reload) {
      logger.info('supergraph reloaded');
      hub.closeAll('the schema changed; subscribe again', 'SCHEMA_RELOADED');
    }
  });

  const authenticate =
    options.authenticate ??
    createAuthenticator({
      jwksUrl: config.USER_JWKS_URL,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      cooldownMs: config.JWKS_COOLDOWN_MS,
    });

  // Separate connections: a subscribed Redis connection cannot publish or run commands.
  const publisher = createRedis(config.REDIS_URL);
  const subscriber = createRedis(config.REDIS_URL, { maxRetriesPerRequest: null });
  for (const client of [publisher, subscriber])
    client.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

  const production = config.NODE_ENV === 'production';
  const limits: Limits = {
    maxTokens: config.MAX_QUERY_TOKENS,
    maxDepth: config.MAX_QUERY_DEPTH,
    maxAliases: config.MAX_ALIASES,
    maxCost: config.MAX_QUERY_COST,
    defaultListSize: config.DEFAULT_LIST_SIZE,
  };
  const rateLimit = createRateLimiter(publisher, {
    perUserPerMinute: config.RATE_LIMIT_PER_USER_PER_MINUTE,
    perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE,
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    // No "Did you mean …" suggestions in production: they leak the schema introspection hides.
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: config.MAX_BATCH_OPERATIONS > 1,
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    formatError: maskUnexpectedErrors((err) => logger.error({ err }, 'unexpected router error')),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      metricsPlugin(metrics),
      rejectBadTokens,
      guard({ limits, policy: currentPolicy, rateLimit, logger }),
    ],
  });
  await apollo.start();

  const runOperation = async (request: GraphQLRequest, contextValue: RouterContext) => {
    const response = await apollo.executeOperation(request, { contextValue });
    return response.body.kind === 'single'
      ? response.body.singleResult
      : { errors: [{ message: 'incremental delivery is not supported here' }] };
  };

  const pubsub = new RedisPubSub({ publisher, subscriber });
  const hub = new SubscriptionHub({
    pubsub,
    sources: eventSources(config.PUBSUB_PREFIX),
    policy: currentPolicy,
    logger,
    onEvent: (rootField) => metrics.eventsIn.inc({ field: rootField }),
    onExecuted: ({ members }) => {
      metrics.fanout.observe(members);
      metrics.resultsOut.inc(members);
    },
    runQuery: (viewer) => async (query, variables) =>
      (await runOperation(
        { query, variables },
        { requestId: crypto.randomUUID(), trace: startSpan(null), viewer, authError: null, internal: true },
      )) as never,
  });

  const urls = subgraphUrls(supergraphSdl, overrides);
  const readiness = {
    ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, () => probe(url, 1_000)])),
    redis: () => publisher.ping(),
  };
  const server = createGraphQLHttpServer<RouterContext>({
    apollo,
    context: httpContext(authenticate),
    readiness,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    metrics: metrics.registry,
    maxBatch: config.MAX_BATCH_OPERATIONS,
    // Counting tokens is far cheaper than parsing: refuse huge documents before the parser
    // (exceedsTokenLimit does not even lex a query shorter than the limit).
    preflight: ({ query }) =>
      typeof query === 'string' && exceedsTokenLimit(query, limits.maxTokens)
        ? {
            status: 400,
            code: 'TOKEN_LIMIT_EXCEEDED',
            message: `the query has more than ${limits.maxTokens} tokens`,
          }
        : null,
  });
  const websocket = attachWebSocket({
    server,
    path: '/graphql',
    schema: () => apiSchema!,
    policy: currentPolicy,
    hub,
    authenticate,
    runOperation: (args, context) =>
      runOperation(
        { query: args.query, variables: args.variables, operationName: args.operationName ?? undefined },
        context,
      ),
    logger,
    maxSubscriptionsPerSocket: config.MAX_SUBSCRIPTIONS_PER_SOCKET,
    maxSocketsPerUser: config.MAX_SOCKETS_PER_USER,
    limits,
    initTimeoutMs: config.WS_INIT_TIMEOUT_MS,
  });
  observeLive(metrics, { sockets: () => websocket.wss.clients.size, subscriptions: () => hub.stats() });
  const address = await listen(server, config.ROUTER_PORT, config.BIND_HOST);
  logger.info({ url: `${address.url}/graphql`, subgraphs: urls }, 'router listening');
  return {
    server,
    hub,
    pubsub,
    ...address,
    async stop() {
      await websocket.close();
      await closeServer(server);
      await apollo.stop();
      await pubsub.close();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(routerConfigSchema);
  const router = await startRouter(config);
  gracefulShutdown(createLogger('router', config.LOG_LEVEL)).register('router', () => router.stop());
}
