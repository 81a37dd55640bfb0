// CORS for the browser console: closed (no CORS headers, preflights refused) except for the
// origins in CORS_ORIGINS. Browsers also send Origin on WebSocket upgrades, where the same list
// decides; clients that send no Origin (the mini-program, servers) are not browsers' cross-site
// requests and pass.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, traceparent, x-request-id';

export function createCorsPolicy(origins: readonly string[]) {
  const allowed = new Set(origins.map((o) => o.replace(/\/+$/, '')));
  const originAllowed = (origin: string | undefined) => origin === undefined || allowed.has(origin);

  /** Adds the CORS headers; answers a preflight itself. True when the response was sent. */
  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const ok = allowed.has(origin);
    if (ok) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      if (ok) {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '600',
        });
      } else {
        res.writeHead(403, { 'content-type': 'text/plain' });
      }
      res.end(ok ? undefined : 'origin not allowed');
      return true;
    }
    return false;
  }

  return { originAllowed, handle };
}

export type CorsPolicy = ReturnType<typeof createCorsPolicy>;

/** Puts the policy in front of the server's request handler (createGraphQLHttpServer's). */
export function applyCors(server: Server, policy: CorsPolicy): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (policy.handle(req, res)) return;
    for (const handler of handlers) handler(req, res);
  });
}

export function parseOrigins(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
