import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { maskUnexpectedErrors } from './errors.ts';
import {
  closeServer,
  createGraphQLHttpServer,
  listen,
  type GraphQLHttpOptions,
  type ReadinessCheck,
} from './http.ts';
import type { Logger } from './logger.ts';
import { createMetricsRegistry, type Registry } from './metrics.ts';

export interface SubgraphOptions<TContext extends BaseContext> {
  name: string;
  schemaPath: URL | string;
  // Generated resolver types are stricter than Apollo's map; both describe the same object.
  resolvers: unknown;
  context: (req: IncomingMessage) => Promise<TContext> | TContext;
  readiness: Record<string, ReadinessCheck>;
  logger: Logger;
  production: boolean;
  /** Extra HTTP routes on the same port (e.g. the JWKS document). */
  routes?: GraphQLHttpOptions<TContext>['routes'];
  /** The process's metrics, served on /metrics (default: a registry with the Node.js metrics). */
  metrics?: Registry;
}

export interface RunningSubgraph {
  server: Server;
  metrics: Registry;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function loadTypeDefs(schemaPath: URL | string) {
  return parse(readFileSync(schemaPath, 'utf8'));
}

/** Builds an Apollo subgraph behind our HTTP server (GraphQL, /health, /ready) and starts it. */
export async function startSubgraph<TContext extends BaseContext>(
  opts: SubgraphOptions<TContext>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: loadTypeDefs(opts.schemaPath),
    resolvers: opts.resolvers as Parameters<typeof buildSubgraphSchema>[0] extends { resolvers?: infer R }
      ? R
      : never,
  });
  const apollo = new ApolloServer<TContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    introspection: !opts.production,
    formatError: maskUnexpectedErrors((err) => opts.logger.error({ err }, 'unexpected resolver error')),
    // No Apollo Studio: federated inline traces (ftv1) would only cost time per request. No cache
    // hints either (no @cacheControl anywhere; the router treats a subgraph answer without a
    // cache-control header as uncacheable, as it did the `no-store` this plugin sent): the plugin
    // wraps every field resolver, which on a list of forecasts is thousands of calls per request.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();
  const metrics = opts.metrics ?? createMetricsRegistry();
  const server = createGraphQLHttpServer<TContext>({
    metrics,
    apollo,
    context: async (req) => opts.context(req),
    readiness: opts.readiness,
    logger: opts.logger,
    routes: opts.routes,
  });
  const address = await listen(server, port, host);
  opts.logger.info({ url: `${address.url}/graphql` }, `${opts.name} subgraph listening`);
  return {
    server,
    metrics,
    ...address,
    async stop() {
      await closeServer(server);
      await apollo.stop();
    },
  };
}
