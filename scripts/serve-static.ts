// A small static file server for built single-page apps (the console; the mini-program's H5
// build): files under `root`, `index.html` for any other path (client-side routes), long caching
// for content-hashed assets, and `/config.json` from the caller (runtime settings such as the
// router URL, so one build serves any environment).
import { createServer, type Server } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticServerOptions {
  /** The built app (e.g. apps/console/dist). */
  root: string;
  port: number;
  host?: string;
  /** Served as /config.json (a function is asked on each request). */
  runtimeConfig?: Record<string, unknown> | (() => Record<string, unknown>);
}

export interface StaticServer {
  server: Server;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function serveStatic(opts: StaticServerOptions): Promise<StaticServer> {
  const root = resolve(opts.root);
  const index = join(root, 'index.html');
  await stat(index); // fail at start, not on the first request, when the app was never built
  const config = () =>
    JSON.stringify(
      (typeof opts.runtimeConfig === 'function' ? opts.runtimeConfig() : opts.runtimeConfig) ?? {},
    );

  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed path');
      return;
    }
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store' }).end(config());
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(400).end();
      return;
    }
    let info = await stat(file).catch(() => null);
    const asset = path.startsWith('/assets/');
    if (!info?.isFile()) {
      if (asset || extname(path) !== '') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      file = index; // a client-side route
      info = await stat(file);
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      // Hashed file names never change content; index.html must always be revalidated.
      'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, host, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
