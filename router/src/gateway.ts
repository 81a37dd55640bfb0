import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { readFileSync } from 'node:fs';
import {
  IDENTITY_HEADER,
  childTraceparent,
  signIdentity,
  type RequestInfo,
  type Viewer,
} from '@sport-venue/shared';
import type { AuthenticationError } from './auth.ts';

export interface RouterContext extends RequestInfo {
  viewer: Viewer | null;
  /** Client address, for per-IP rate limits. */
  ip?: string;
  /** Set for the router's own follow-up queries (subscription fan-out): not a client request. */
  internal?: boolean;
  /** Set when the client sent a token that did not verify; the operation is then refused. */
  authError: AuthenticationError | null;
  /** The identity header value, signed once per operation and reused for every subgraph fetch. */
  identity?: Promise<string>;
}

export const DEFAULT_SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url);

/**
 * Forwards to subgraphs only what they need: the request id and the router-signed identity.
 * Client headers (including any forged x-sv-identity) are never passed through.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #secret: string;
  readonly #name: string;
  readonly #onFetch: ((subgraph: string, seconds: number) => void) | undefined;
  constructor(
    name: string,
    url: string,
    secret: string,
    timeoutMs: number,
    onFetch?: (subgraph: string, seconds: number) => void,
  ) {
    // Node's fetch keeps connections to each subgraph alive and pooled; every fetch has a deadline.
    super({
      url,
      fetcher: (input, init) =>
        fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) } as RequestInit) as never,
    });
    this.#secret = secret;
    this.#name = name;
    this.#onFetch = onFetch;
  }

  override async process(options: Parameters<RemoteGraphQLDataSource<RouterContext>['process']>[0]) {
    const started = performance.now();
    try {
      return await super.process(options);
    } finally {
      this.#onFetch?.(this.#name, (performance.now() - started) / 1000);
    }
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>) {
    const headers = request.http?.headers;
    if (!headers || !('requestId' in context)) return;
    headers.set('x-request-id', context.requestId);
    if (context.trace) headers.set('traceparent', childTraceparent(context.trace));
    if (context.viewer) {
      context.identity ??= signIdentity(context.viewer, this.#secret);
      headers.set(IDENTITY_HEADER, await context.identity);
    }
  }
}

export function readSupergraph(path?: string | URL): string {
  return readFileSync(path ?? DEFAULT_SUPERGRAPH, 'utf8');
}

export function createGateway(opts: {
  supergraphSdl: string;
  urlOverrides: Record<string, string | undefined>;
  identitySecret: string;
  timeoutMs: number;
  onFetch?: (subgraph: string, seconds: number) => void;
}) {
  return new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) =>
      new SubgraphDataSource(
        name,
        opts.urlOverrides[name] ?? url!,
        opts.identitySecret,
        opts.timeoutMs,
        opts.onFetch,
      ),
  });
}

/** Subgraph routing URLs after overrides, for readiness probes and the startup banner. */
export function subgraphUrls(supergraphSdl: string, overrides: Record<string, string | undefined>) {
  const urls: Record<string, string> = {};
  for (const match of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
    const [, name, url] = match;
    urls[name!] = overrides[name!] ?? url!;
  }
  return urls;
}
