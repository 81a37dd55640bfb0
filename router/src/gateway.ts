import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { readFileSync } from 'node:fs';
import type { RequestInfo } from '@sport-venue/shared';

export type RouterContext = RequestInfo;

export const DEFAULT_SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url);

/** Forwards what subgraphs need to trust and trace a request, and nothing else from the client. */
class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>) {
    if ('requestId' in context && context.requestId)
      request.http?.headers.set('x-request-id', context.requestId);
  }
}

export function createGateway(opts: {
  supergraphPath?: string | URL;
  urlOverrides: Record<string, string | undefined>;
}) {
  const supergraphSdl = readFileSync(opts.supergraphPath ?? DEFAULT_SUPERGRAPH, 'utf8');
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource({ url: opts.urlOverrides[name] ?? url }),
  });
}

/** Subgraph routing URLs after overrides, for readiness probes and the startup banner. */
export function subgraphUrls(
  supergraphPath: string | URL | undefined,
  overrides: Record<string, string | undefined>,
) {
  const sdl = readFileSync(supergraphPath ?? DEFAULT_SUPERGRAPH, 'utf8');
  const urls: Record<string, string> = {};
  for (const match of sdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
    const [, name, url] = match;
    urls[name!] = overrides[name!] ?? url!;
  }
  return urls;
}
