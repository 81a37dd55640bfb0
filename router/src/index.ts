import {
  ApolloServer,
  type ApolloServerPlugin,
  type GraphQLRequest,
  type GraphQLRequestContextDidResolveOperation,
} from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { buildSchema, printSchema, type GraphQLSchema } from 'graphql';
import {
  closeServer,
  createGraphQLHttpServer,
  createLogger,
  createRedis,
  gracefulShutdown,
  listen,
  loadConfig,
  maskUnexpectedErrors,
  parseRedisUrl,
  requestLogContext,
  startSpan,
  withLogContext,
} from '@sport-venue/shared';
import type { Limits } from './limits.ts';
import { createLimitsCache } from './limits-cache.ts';
import { createPreflight } from './preflight.ts';
import { createPersistedQueries } from './persisted-queries.ts';
import { createRateLimiter } from './rate-limit.ts';
import { createSocketSlots } from './socket-slots.ts';
import { createAuthenticator, type Authenticate } from './auth.ts';
import { createRouterMetrics, observeLive, operationMeter, type RouterMetrics } from './metrics.ts';
import { routerConfigSchema, subgraphUrlOverrides, type RouterConfig } from './config.ts';
import { badTokenRefusal, httpContext } from './context.ts';
import { createFetchDedup } from './fetch-dedup.ts';
import { createDirectPath, createDirectPlans } from './direct-fetch.ts';
import { createSubgraphTransport } from './subgraph-transport.ts';
import { installSpanlessTracing } from './tracing.ts';
import { cachedAuthenticator } from './token-cache.ts';
import { createGateway, subgraphUrls, supergraphFile, type RouterContext } from './gateway.ts';
import { extractSecurityPolicy, type SecurityPolicy } from './security.ts';
import { createOperationGuard, type OperationGuard } from './operation-guard.ts';
import { applyServiceBusyStatus } from './service-busy.ts';
import { SubscriptionHub } from './subscriptions/hub.ts';
import { eventSources } from './subscriptions/sources.ts';
import { attachWebSocket } from './subscriptions/websocket.ts';
import { createTrustedDocuments } from './trusted-documents.ts';
import { applyCors, createCorsPolicy, parseOrigins } from './cors.ts';

async function probe(url: string, timeoutMs: number) {
  const ready = new URL('/ready', url);
  const res = await fetch(ready, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${ready.host} answered ${res.status}`);
}

/**
 * The router's part of each operation's pipeline, in one Apollo plugin (one listener per request
 * instead of four: Apollo awaits every listener at every stage of every request):
 *  - counts the operation (metrics.ts);
 *  - refuses a bad token with 401 (context.ts);
 *  - the guard (operation-guard.ts): which operation runs, limits, authorisation, rate limit;
 *  - answers 503 with Retry-After when a subgraph shed the load (service-busy.ts).
 */
function routerPlugin(opts: {
  metrics: RouterMetrics;
  guard: OperationGuard;
}): ApolloServerPlugin<RouterContext> {
  const guard = async ({
    document,
    schema,
    operation,
    request,
    contextValue,
  }: GraphQLRequestContextDidResolveOperation<RouterContext>): Promise<void> => {
    const refused = await opts.guard({
      schema,
      document,
      operation,
      operationName: request.operationName,
      variables: request.variables ?? {},
      context: contextValue,
    });
    if (refused) throw refused;
  };

  return {
    async requestDidStart({ contextValue }) {
      // The router's own subscription fetches are not client operations: not counted.
      const meter = contextValue.internal ? null : operationMeter(opts.metrics);
      return {
        async didResolveOperation(requestContext) {
          meter?.resolved(requestContext.operationName, requestContext.operation);
          const badToken = badTokenRefusal(requestContext.contextValue, requestContext.operation);
          if (badToken) {
            // As when the two checks were plugins of their own, run side by side: the 401 is the
            // answer, and the guard still runs (a request with a bad token counts against its
            // address' rate limit).
            guard(requestContext).catch(() => undefined);
            throw badToken;
          }
          await guard(requestContext);
        },
        async willSendResponse({ response }) {
          applyServiceBusyStatus(response);
          meter?.sent(response);
        },
      };
    },
  };
}

export interface RouterOptions {
  /** Token verification; defaults to the user subgraph's JWKS from config. */
  authenticate?: Authenticate;
  /** Where the log lines go instead of stdout (tests read them). */
  logDestination?: Parameters<typeof createLogger>[3];
}

export async function startRouter(config: RouterConfig, options: RouterOptions = {}) {
  // The gateway's OpenTelemetry spans cost nothing unless an SDK was registered first (tracing.ts).
  installSpanlessTracing();
  const logger = createLogger('router', config.LOG_LEVEL, undefined, options.logDestination);
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
  const transport = createSubgraphTransport({ timeoutMs: config.SUBGRAPH_TIMEOUT_MS });
  const directPlans = createDirectPlans();
  const { gateway, subgraph } = createGateway({
    supergraph,
    urlOverrides: overrides,
    identitySecret: config.INTERNAL_IDENTITY_SECRET,
    send: transport.send,
    onFetch: (subgraph, seconds) => metrics.subgraphSeconds.observe({ subgraph }, seconds),
    dedup: config.SUBGRAPH_FETCH_DEDUP
      ? createFetchDedup({ onMerged: (subgraph) => metrics.fetchesMerged.inc({ subgraph }) })
      : undefined,
    onQueryPlan: config.ROUTER_DIRECT_FETCHES ? directPlans.learn : undefined,
  });
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: next, coreSupergraphSdl }) => {
    const reload = apiSchema !== null;
    // The composed directives survive the SECURITY purpose being dropped for the gateway.
    policy = extractSecurityPolicy(coreSupergraphSdl);
    directPlans.schemaChanged(next);
    // Our own copy: Apollo wraps the resolvers of the schema it executes, which would override the
    // subscription payload resolver.
    apiSchema = buildSchema(printSchema(next));
    if (reload) {
      logger.info('supergraph reloaded');
      hub.closeAll('the schema changed; subscribe again', 'SCHEMA_RELOADED');
    }
  });

  // Verified tokens are remembered until they expire (token-cache.ts).
  const authenticate = cachedAuthenticator(
    options.authenticate ??
      createAuthenticator({
        jwksUrl: config.USER_JWKS_URL,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        cooldownMs: config.JWKS_COOLDOWN_MS,
      }),
  );

  // Separate connections: a subscribed Redis connection cannot publish or run commands.
  // Auto-pipelining on a single node: the commands of one event-loop turn (every request's
  // rate-limit call among them) leave in one socket write instead of one write each. (ioredis
  // refuses to auto-pipeline keys of different slots together on a cluster.)
  const publisher = createRedis(config.REDIS_URL, {
    enableAutoPipelining: parseRedisUrl(config.REDIS_URL).kind === 'node',
  });
  const subscriber = createRedis(config.REDIS_URL, { maxRetriesPerRequest: null });
  for (const client of [publisher, subscriber])
    client.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

  const production = config.NODE_ENV === 'production';
  const limits: Limits = {
    maxTokens: config.MAX_QUERY_TOKENS,
    maxDepth: config.MAX_QUERY_DEPTH,
    maxIntrospectionDepth: config.MAX_INTROSPECTION_DEPTH,
    maxAliases: config.MAX_ALIASES,
    maxDirectives: config.MAX_DIRECTIVES,
    maxFieldRepeats: config.MAX_FIELD_REPEATS,
    maxCost: config.MAX_QUERY_COST,
    defaultListSize: config.DEFAULT_LIST_SIZE,
  };
  const trusted = createTrustedDocuments(config.TRUSTED_DOCUMENTS ?? (production ? 'enforce' : 'off'));
  const cors = createCorsPolicy(parseOrigins(config.CORS_ORIGINS));
  const rateLimit = createRateLimiter(publisher, {
    perUserPerMinute: config.RATE_LIMIT_PER_USER_PER_MINUTE,
    perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE,
  });
  const socketSlots = createSocketSlots(publisher, {
    maxPerUser: config.MAX_SOCKETS_PER_USER,
    leaseMs: config.WS_SOCKET_LEASE_MS,
    logger,
  });
  const persistedQueries = createPersistedQueries();
  const limitsCache = createLimitsCache(limits);
  const guard = createOperationGuard({ limits: limitsCache, policy: currentPolicy, rateLimit, logger });
  const measure = createPreflight({ limits, schema: () => apiSchema, persistedQueries, cache: limitsCache });
  const serveDirect = config.ROUTER_DIRECT_FETCHES
    ? createDirectPath({ plans: directPlans, guard, metrics, subgraph })
    : undefined;
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    persistedQueries: persistedQueries.apollo,
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    // No "Did you mean …" suggestions in production: they leak the schema introspection hides.
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: config.MAX_BATCH_OPERATIONS > 1,
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    formatError: maskUnexpectedErrors((err) => logger.error({ err }, 'unexpected router error')),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs it otherwise, only to find per request that the router is not a subgraph.
      ApolloServerPluginInlineTraceDisabled(),
      routerPlugin({ metrics, guard }),
    ],
  });
  await apollo.start();

  const runOperation = async (request: GraphQLRequest, contextValue: RouterContext) => {
    // A subscription event's fetches run outside any HTTP request: their lines get its own trace.
    const response = await withLogContext(requestLogContext(contextValue), () =>
      apollo.executeOperation(request, { contextValue }),
    );
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
    onExecuted: ({ members, delivered }) => {
      metrics.fanout.observe(members);
      metrics.resultsOut.inc(delivered);
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
    direct: serveDirect,
    // Trusted documents first (a known hash becomes the manifest's text; in production nothing
    // else runs), then the limits, measured in one linear pass before anything parses or plans.
    preflight: async (operations) => {
      for (const operation of operations) {
        const refused = trusted.prepare(operation);
        if (refused) return refused;
      }
      return measure(operations);
    },
  });
  applyCors(server, cors);
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
    socketSlots,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    onSlowConsumer: () => metrics.slowConsumers.inc(),
    limits,
    initTimeoutMs: config.WS_INIT_TIMEOUT_MS,
    resolveQuery: trusted.resolveSubscribe,
    originAllowed: cors.originAllowed,
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
      await socketSlots.close();
      await closeServer(server);
      await apollo.stop();
      await pubsub.close();
      await transport.close();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(routerConfigSchema);
  const router = await startRouter(config);
  gracefulShutdown(createLogger('router', config.LOG_LEVEL)).register('router', () => router.stop());
}
