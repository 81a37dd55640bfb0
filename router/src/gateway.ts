import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type Experimental_DidResolveQueryPlanCallback,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import type { GraphQLError } from 'graphql';
import { readFileSync, statSync } from 'node:fs';
import { IDENTITY_HEADER, childTraceparent, type RequestInfo, type Viewer } from '@sport-venue/shared';
import type { AuthenticationError } from './auth.ts';
import { authorisationScope, type FetchDedup } from './fetch-dedup.ts';
import { cachedIdentitySigner } from './token-cache.ts';
import { responseLike, type SubgraphAnswer, type SubgraphSend } from './subgraph-transport.ts';
import { withoutSecurityPurpose } from './security.ts';
import { installResultShaping } from './result-shaping.ts';
import { installOperationCache } from './operation-cache.ts';

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
  /** The request's rate-limit verdict, asked for once (operation-guard.ts). */
  rateLimit?: Promise<GraphQLError | null>;
  /**
   * A fetch the direct path already sent (direct-fetch.ts): the gateway's executor takes its
   * answer instead of sending it again.
   */
  prefetched?: { subgraph: string; query: string; answer: () => Promise<SubgraphAnswer> };
}

/** One subgraph's fetches, as the gateway sends them (also for the direct path). */
export interface SubgraphFetcher {
  fetch(
    request: { query: string; variables: Record<string, unknown>; operationName: string | undefined },
    context: RouterContext,
    isQuery: boolean,
  ): Promise<SubgraphAnswer>;
}

export const DEFAULT_SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url);

/**
 * Forwards to subgraphs only what they need: the request id and the router-signed identity.
 * Client headers (including any forged x-sv-identity) are never passed through.
 *
 * `process` is the gateway's own (RemoteGraphQLDataSource) minus what we never use — automatic
 * persisted queries to subgraphs and node-fetch objects — with the fetch sent through the
 * router's undici transport (subgraph-transport.ts). Error statuses become errors through the base
 * class (`errorFromResponse`) as before; a subgraph's cache-control restricts the cache policy as
 * the base class did.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #sign: (viewer: Viewer) => Promise<string>;
  readonly #name: string;
  readonly #target: URL;
  readonly #send: SubgraphSend;
  readonly #onFetch: ((subgraph: string, seconds: number) => void) | undefined;
  readonly #dedup: FetchDedup | undefined;
  constructor(opts: {
    name: string;
    url: string;
    secret: string;
    send: SubgraphSend;
    onFetch?: (subgraph: string, seconds: number) => void;
    dedup?: FetchDedup;
  }) {
    super({ url: opts.url });
    this.#target = new URL(opts.url);
    this.#send = opts.send;
    this.#sign = cachedIdentitySigner(opts.secret);
    this.#name = opts.name;
    this.#onFetch = opts.onFetch;
    this.#dedup = opts.dedup;
  }

  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    // A health check's context is empty (no request id: `fetch` adds nothing then).
    const context = options.context as RouterContext;
    const incoming = 'incomingRequestContext' in options ? options : null;
    const answer = context.prefetched
      ? await this.#takePrefetched(context, request.query)
      : await this.fetch(
          {
            query: request.query,
            variables: request.variables ?? {},
            operationName: request.operationName,
            extensions: request.extensions,
            headers: request.http?.headers,
          },
          context,
          incoming?.incomingRequestContext.operation?.operation === 'query',
        );
    const http = responseLike(this.#target, answer);
    if (!http.ok) throw await this.errorFromResponse(http as never);
    const type = http.headers.get('content-type') ?? '';
    if (!type.startsWith('application/json') && !type.startsWith('application/graphql-response+json'))
      throw new Error(`Expected JSON response body, but received: ${answer.body}`);
    // Each caller parses its own copy, also of a shared (merged) answer.
    const parsed = JSON.parse(answer.body) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error(`Expected JSON response body, but received: ${answer.body}`);
    // A subgraph's cache-control answer restricts the response's cache policy, as the gateway does.
    const policy = incoming?.incomingRequestContext.overallCachePolicy;
    if (this.honorSubgraphCacheControlHeader && policy && 'restrict' in policy)
      policy.restrict(cacheHint(http.headers.get('cache-control')));
    return { ...(parsed as object), http: http as never };
  }

  /** The answer the direct path received for this request's one fetch, taken once. */
  #takePrefetched(context: RouterContext, query: string): Promise<SubgraphAnswer> {
    const prefetched = context.prefetched!;
    context.prefetched = undefined;
    // Only if the supergraph was reloaded between the two: never send a fetch (a mutation) twice.
    if (prefetched.subgraph !== this.#name || prefetched.query !== query)
      throw new Error('the supergraph changed while this operation ran; its fetch was not sent again');
    return prefetched.answer();
  }

  /** Sends one fetch with what the router adds to it: request id, trace, the signed identity. */
  async fetch(
    request: {
      query: string;
      variables: Record<string, unknown>;
      operationName: string | undefined;
      extensions?: Record<string, unknown>;
      /** The gateway's own headers for this fetch (its trace request header); never a client's. */
      headers?: Iterable<[string, string]>;
    },
    context: RouterContext,
    isQuery: boolean,
  ): Promise<SubgraphAnswer> {
    const started = performance.now();
    try {
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers ?? []) headers[name.toLowerCase()] = value;
      headers['content-type'] = 'application/json';
      let scope: string | null = null;
      if ('requestId' in context) {
        headers['x-request-id'] = context.requestId;
        if (context.trace) headers.traceparent = childTraceparent(context.trace);
        if (context.viewer) {
          context.identity ??= this.#sign(context.viewer);
          headers[IDENTITY_HEADER] = await context.identity;
        }
        // A query's fetches may be shared with identical ones of the same caller scope (fetch-dedup.ts).
        if (this.#dedup && isQuery) scope = authorisationScope(context.viewer);
      }
      const { query, variables, operationName, extensions } = request;
      const body = JSON.stringify({ query, variables, operationName, extensions });
      return scope !== null
        ? await this.#dedup!.send(this.#send, this.#name, this.#target, headers, body, scope)
        : await this.#send(this.#target, headers, body);
    } finally {
      this.#onFetch?.(this.#name, (performance.now() - started) / 1000);
    }
  }
}

/** A subgraph's `cache-control` header as a cache hint (no header: not cacheable). */
function cacheHint(header: string | null): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  if (header === null) return hint; // the subgraphs send none (decision 0029): no parsing per fetch
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [key, value] = part.split(/\s*=\s*/, 2);
    if (key === 'max-age' && value && /^[0-9]+$/.test(value.replace(/^"|"$/g, '')))
      hint.maxAge = Number(value.replace(/^"|"$/g, ''));
    if (key === 'private' && value === undefined) hint.scope = 'PRIVATE';
    if (key === 'public' && value === undefined) hint.scope = 'PUBLIC';
  }
  return hint;
}

export function createGateway(opts: {
  /** The supergraph now, and a way to learn of a new one (hot reload). */
  supergraph: SupergraphSource;
  urlOverrides: Record<string, string | undefined>;
  identitySecret: string;
  /** The connection pools every subgraph fetch goes through (subgraph-transport.ts). */
  send: SubgraphSend;
  onFetch?: (subgraph: string, seconds: number) => void;
  /** Merges identical in-flight query fetches (fetch-dedup.ts); unset sends every fetch. */
  dedup?: FetchDedup;
  /** Called with every query plan the gateway resolves (direct-fetch.ts learns from them). */
  onQueryPlan?: Experimental_DidResolveQueryPlanCallback;
}) {
  // The gateway's result shaping, per selection instead of per object (result-shaping.ts).
  installResultShaping();
  // The Operation the executor builds per request, kept per document and schema (operation-cache.ts).
  installOperationCache();
  const sources = new Map<string, SubgraphDataSource>();
  const gateway = new ApolloGateway({
    experimental_didResolveQueryPlan: opts.onQueryPlan,
    supergraphSdl: async ({ update }) => {
      const stop = opts.supergraph.watch((sdl) => update(withoutSecurityPurpose(sdl)));
      return {
        supergraphSdl: withoutSecurityPurpose(opts.supergraph.current()),
        cleanup: async () => stop(),
      };
    },
    buildService: ({ name, url }) => {
      const source = new SubgraphDataSource({
        name,
        url: opts.urlOverrides[name] ?? url!,
        secret: opts.identitySecret,
        send: opts.send,
        onFetch: opts.onFetch,
        dedup: opts.dedup,
      });
      sources.set(name, source);
      return source;
    },
  });
  /** The subgraph's fetcher by name, as the gateway built it for the current supergraph. */
  const subgraph = (name: string): SubgraphFetcher | undefined => sources.get(name);
  return { gateway, subgraph };
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
