import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { readFileSync, statSync } from 'node:fs';
import { IDENTITY_HEADER, childTraceparent, type RequestInfo, type Viewer } from '@sport-venue/shared';
import type { AuthenticationError } from './auth.ts';
import { authorisationScope, type FetchDedup } from './fetch-dedup.ts';
import { cachedIdentitySigner } from './token-cache.ts';
import { withoutSecurityPurpose } from './security.ts';

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
  readonly #sign: (viewer: Viewer) => Promise<string>;
  readonly #name: string;
  readonly #onFetch: ((subgraph: string, seconds: number) => void) | undefined;
  readonly #dedup: FetchDedup | undefined;
  constructor(
    name: string,
    url: string,
    secret: string,
    timeoutMs: number,
    onFetch?: (subgraph: string, seconds: number) => void,
    dedup?: FetchDedup,
  ) {
    // Node's fetch keeps connections to each subgraph alive and pooled; every fetch has a deadline.
    const timed = (input: string, init?: RequestInit) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const fetcher = dedup ? dedup.wrap(timed, name) : timed;
    super({ url, fetcher: fetcher as never });
    this.#sign = cachedIdentitySigner(secret);
    this.#name = name;
    this.#onFetch = onFetch;
    this.#dedup = dedup;
  }

  override async process(options: Parameters<RemoteGraphQLDataSource<RouterContext>['process']>[0]) {
    const started = performance.now();
    try {
      return await super.process(options);
    } finally {
      this.#onFetch?.(this.#name, (performance.now() - started) / 1000);
    }
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const { request, context } = options;
    const headers = request.http?.headers;
    if (!headers || !('requestId' in context)) return;
    // A query's fetches may be shared with identical ones of the same caller scope (fetch-dedup.ts).
    if (
      this.#dedup &&
      'incomingRequestContext' in options &&
      options.incomingRequestContext.operation?.operation === 'query'
    )
      this.#dedup.allow(headers, authorisationScope(context.viewer));
    headers.set('x-request-id', context.requestId);
    if (context.trace) headers.set('traceparent', childTraceparent(context.trace));
    if (context.viewer) {
      context.identity ??= this.#sign(context.viewer);
      headers.set(IDENTITY_HEADER, await context.identity);
    }
  }
}

export function createGateway(opts: {
  /** The supergraph now, and a way to learn of a new one (hot reload). */
  supergraph: SupergraphSource;
  urlOverrides: Record<string, string | undefined>;
  identitySecret: string;
  timeoutMs: number;
  onFetch?: (subgraph: string, seconds: number) => void;
  /** Merges identical in-flight query fetches (fetch-dedup.ts); unset sends every fetch. */
  dedup?: FetchDedup;
}) {
  return new ApolloGateway({
    supergraphSdl: async ({ update }) => {
      const stop = opts.supergraph.watch((sdl) => update(withoutSecurityPurpose(sdl)));
      return {
        supergraphSdl: withoutSecurityPurpose(opts.supergraph.current()),
        cleanup: async () => stop(),
      };
    },
    buildService: ({ name, url }) =>
      new SubgraphDataSource(
        name,
        opts.urlOverrides[name] ?? url!,
        opts.identitySecret,
        opts.timeoutMs,
        opts.onFetch,
        opts.dedup,
      ),
  });
}

export interface SupergraphSource {
  current(): string;
  /** Calls `onChange` with each new supergraph; returns a function that stops watching. */
  watch(onChange: (sdl: string) => void): () => void;
}

/**
 * The supergraph file, re-read when it changes (a deploy writes a newly composed file). Polling
 * by mtime rather than fs.watch: it works the same on every file system and survives the file
 * being replaced by a rename.
 */
export function supergraphFile(
  path: string | URL = DEFAULT_SUPERGRAPH,
  intervalMs = 2_000,
): SupergraphSource {
  let sdl = readFileSync(path, 'utf8');
  return {
    current: () => sdl,
    watch(onChange) {
      let mtime = statSync(path).mtimeMs;
      const timer = setInterval(() => {
        try {
          const next = statSync(path).mtimeMs;
          if (next === mtime) return;
          mtime = next;
          const text = readFileSync(path, 'utf8');
          if (text === sdl) return;
          sdl = text;
          onChange(text);
        } catch {
          // mid-replace: try again on the next tick
        }
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
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
