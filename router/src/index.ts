import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  closeServer,
  createGraphQLHttpServer,
  createLogger,
  gracefulShutdown,
  listen,
  loadConfig,
  maskUnexpectedErrors,
  requestInfo,
} from '@sport-venue/shared';
import { routerConfigSchema, subgraphUrlOverrides, type RouterConfig } from './config.ts';
import { createGateway, subgraphUrls, type RouterContext } from './gateway.ts';

async function probe(url: string, timeoutMs: number) {
  const ready = new URL('/ready', url);
  const res = await fetch(ready, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${ready.host} answered ${res.status}`);
}

export async function startRouter(config: RouterConfig) {
  const logger = createLogger('router', config.LOG_LEVEL);
  const overrides = subgraphUrlOverrides(config);
  const gateway = createGateway({ supergraphPath: config.SUPERGRAPH_PATH, urlOverrides: overrides });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    introspection: config.NODE_ENV !== 'production',
    formatError: maskUnexpectedErrors((err) => logger.error({ err }, 'unexpected router error')),
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  const urls = subgraphUrls(config.SUPERGRAPH_PATH, overrides);
  const readiness = Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [name, () => probe(url, 1_000)]),
  );
  const server = createGraphQLHttpServer<RouterContext>({
    apollo,
    context: async (req) => requestInfo(req),
    readiness,
    logger,
  });
  const address = await listen(server, config.ROUTER_PORT, config.BIND_HOST);
  logger.info({ url: `${address.url}/graphql`, subgraphs: urls }, 'router listening');
  return {
    server,
    ...address,
    async stop() {
      await closeServer(server);
      await apollo.stop();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(routerConfigSchema);
  const router = await startRouter(config);
  gracefulShutdown(createLogger('router', config.LOG_LEVEL)).register('router', () => router.stop());
}
