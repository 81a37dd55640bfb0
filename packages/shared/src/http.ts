import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Logger } from './logger.ts';
import { withLogContext } from './log-context.ts';
import { requestInfo, requestLogContext } from './request.ts';
import { Gauge, latestReading, metricsRoute, type Registry } from './metrics.ts';

export type ReadinessCheck = () => Promise<unknown>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  readiness: Record<string, ReadinessCheck>;
  logger: Logger;
  path?: string;
  maxBodyBytes?: number;
  /** Largest accepted batch (a JSON array of operations); 1 refuses batching. */
  maxBatch?: number;
  /**
   * Cheap checks on the request's operations (one, or a batch) before Apollo parses them; a
   * returned error refuses the whole request.
   */
  preflight?: (
    operations: ReadonlyArray<Record<string, unknown>>,
  ) => Promise<PreflightRefusal | null> | PreflightRefusal | null;
  /**
   * Answers a single POST operation (its parsed body, after the preflight) without Apollo, or
   * returns null to let Apollo run it. Both see the same context, built at most once per request.
   */
  direct?: (
    body: Record<string, unknown>,
    req: IncomingMessage,
    context: () => Promise<TContext>,
  ) => Promise<DirectResponse | null>;
  /** Routes served before GraphQL (e.g. /metrics, /.well-known/jwks.json). */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;
  /** Served on /metrics, with the readiness checks as `service_ready` gauges. */
  metrics?: Registry;
}

export interface PreflightRefusal {
  status: number;
  code: string;
  message: string;
}

export interface DirectResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class PayloadTooLargeError extends Error {}

/**
 * The request body as text, refused past `limit` bytes. Read with the stream's own events: an async
 * iterator over the request (its promise and iterator objects per chunk) was ~2 % of the router's
 * busy time on a check-in. Past the limit the rest of the body is read and dropped, so the 413
 * can still be answered on the connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new PayloadTooLargeError(`body exceeds ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume();
        reject(new PayloadTooLargeError(`body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(payload);
}

/** Each check gets its own deadline so one hung store cannot hide the state of the others. */
export async function runReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 1_500) {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, `unavailable: ${err instanceof Error ? err.message : String(err)}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checksResult = Object.fromEntries(entries);
  const ready = entries.every(([, state]) => state === 'ok');
  return { ready, checks: checksResult };
}

/**
 * `service_ready` (1 while every check passes, as /ready would answer 200) and
 * `service_ready_check{check}`, from the latest finished evaluation of the checks (latestReading):
 * evaluated inside the scrape, /metrics was as slow as the slowest probe (up to 1.5 s each; the
 * router's probe every subgraph's /ready), past Prometheus' scrape_timeout on a busy machine
 * (monitoring.e2e lost service_ready at load 30).
 */
export function registerReadiness(registry: Registry, checks: Record<string, ReadinessCheck>) {
  const readiness = latestReading(() => runReadiness(checks));
  const perCheck = new Gauge({
    name: 'service_ready_check',
    help: 'Whether each store the process needs answers (1) or not (0)',
    labelNames: ['check'],
    registers: [registry],
  });
  new Gauge({
    name: 'service_ready',
    help: 'Whether the process is ready (every readiness check passes)',
    registers: [registry],
    async collect() {
      const { ready, checks: results } = await readiness();
      for (const [check, state] of Object.entries(results)) perCheck.set({ check }, state === 'ok' ? 1 : 0);
      this.set(ready ? 1 : 0);
    },
  });
}

const require = createRequire(import.meta.url);
const builtinCrypto = require('node:crypto') as unknown;
const hashModulesServed = new WeakSet<object>();

/**
 * Apollo Server hashes every request's query (the key of its parsed-document cache), and the
 * gateway every named operation (its query-plan cache key), with `@apollo/utils.createhash`,
 * which fetches node:crypto with `module.require('crypto')` on each call: a trip through Node's
 * module loader per request (~1 % of the router's and ~1.5 % of the venue subgraph's busy CPU on a
 * check-in). That module's own `require` answers 'crypto' with the builtin directly; anything
 * else still goes through the loader. Every installed copy Apollo Server and the gateway resolve
 * is served; idempotent.
 */
export function serveCryptoToApolloHashing(): void {
  for (const dependent of ['@apollo/server', '@apollo/gateway']) {
    let path: string;
    let from: NodeJS.Require;
    try {
      from = createRequire(require.resolve(dependent));
      path = from.resolve('@apollo/utils.createhash');
    } catch {
      continue; // not installed beside this process (a subgraph has no gateway)
    }
    from(path);
    const module = require.cache[path];
    if (!module || hashModulesServed.has(module)) continue;
    const load = module.require.bind(module);
    module.require = ((id: string) => (id === 'crypto' ? builtinCrypto : load(id))) as typeof module.require;
    hashModulesServed.add(module);
  }
}

/**
 * A minimal Node http integration for Apollo Server (the official one for plain `http` is
 * `startStandaloneServer`, which cannot share its port with /health, /ready or a WebSocket).
 */
export function createGraphQLHttpServer<TContext extends BaseContext>(
  opts: GraphQLHttpOptions<TContext>,
): Server {
  serveCryptoToApolloHashing();
  const path = opts.path ?? '/graphql';
  const maxBody = opts.maxBodyBytes ?? 1_000_000;
  const routes = { ...opts.routes };
  if (opts.metrics) {
    registerReadiness(opts.metrics, opts.readiness);
    routes['/metrics'] = metricsRoute(opts.metrics);
  }

  // Everything a request does, to its last log line, runs in its log context (trace and request id).
  return createServer((req, res) =>
    withLogContext(requestLogContext(requestInfo(req)), () => handle(req, res)),
  );

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    // The request target split at '?' (no WHATWG URL object per request: routing needs the path only).
    const target = req.url ?? '/';
    const query = target.indexOf('?');
    const url = {
      pathname: query < 0 ? target : target.slice(0, query),
      search: query < 0 ? '' : target.slice(query),
    };
    try {
      if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/ready') {
        const { ready, checks } = await runReadiness(opts.readiness);
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unready', checks });
      }
      const route = routes[url.pathname];
      if (route) return await route(req, res);
      if (url.pathname !== path) return sendJson(res, 404, { error: 'not found' });

      const raw = req.method === 'POST' ? await readBody(req, maxBody) : '';
      let body: unknown = raw;
      if (raw && (req.headers['content-type'] ?? '').includes('application/json')) {
        try {
          body = JSON.parse(raw);
        } catch {
          return sendJson(res, 400, {
            errors: [{ message: 'malformed JSON body', extensions: { code: 'BAD_REQUEST' } }],
          });
        }
      }
      if (Array.isArray(body) && body.length > (opts.maxBatch ?? 1)) {
        return sendJson(res, 400, {
          errors: [
            {
              message: `at most ${opts.maxBatch ?? 1} operations per batch`,
              extensions: { code: 'BATCH_LIMIT_EXCEEDED' },
            },
          ],
        });
      }
      if (opts.preflight) {
        // A GET carries its operation in the query string (its body is empty).
        const single = req.method === 'GET' ? Object.fromEntries(new URLSearchParams(url.search)) : body;
        const operations = (Array.isArray(body) ? body : [single]).filter(
          (operation): operation is Record<string, unknown> =>
            operation !== null && typeof operation === 'object' && !Array.isArray(operation),
        );
        const refused = await opts.preflight(operations);
        if (refused) {
          return sendJson(res, refused.status, {
            errors: [{ message: refused.message, extensions: { code: refused.code } }],
          });
        }
      }
      let context: Promise<TContext> | undefined;
      const contextOnce = () => (context ??= opts.context(req));
      if (
        opts.direct &&
        req.method === 'POST' &&
        body !== null &&
        typeof body === 'object' &&
        !Array.isArray(body)
      ) {
        const answer = await opts.direct(body as Record<string, unknown>, req, contextOnce);
        if (answer) {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          opts.logger.debug(
            { status: answer.status, ms: Math.round(performance.now() - started) },
            'graphql request served',
          );
          return;
        }
      }
      // Apollo's header map, built only for the requests Apollo runs.
      const incoming = req.headers;
      const headers = new HeaderMap();
      for (const key in incoming) {
        const value = incoming[key];
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const request: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
      const response = await opts.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        context: contextOnce,
      });
      const outHeaders: Record<string, string> = {};
      for (const [key, value] of response.headers) outHeaders[key] = value;
      res.writeHead(response.status ?? 200, outHeaders);
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
      // Debug level: one line per operation is too many in production, and useful when following one.
      opts.logger.debug(
        { status: response.status ?? 200, ms: Math.round(performance.now() - started) },
        'graphql request served',
      );
    } catch (err) {
      if (err instanceof PayloadTooLargeError) {
        return sendJson(res, 413, {
          errors: [{ message: err.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
        });
      }
      opts.logger.error({ err }, 'request failed');
      if (!res.headersSent)
        sendJson(res, 500, {
          errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
      else res.destroy();
    }
  }
}

export function listen(
  server: Server,
  port: number,
  host = '127.0.0.1',
): Promise<{ port: number; url: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({ port: actual, url: `http://${host}:${actual}` });
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}
