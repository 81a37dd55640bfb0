// The floor of this machine for a request that crosses two HTTP hops, as a check-in through the
// router does: `upstream` answers every POST with a canned check-in result; `proxy` reads each
// request's body and forwards it with an undici Pool (keep-alive, as the router's transport) to
// the upstream, then sends the answer back. No GraphQL, no auth, no stores: what two plain Node
// HTTP hops already cost here, the reference the check-in bench prints beside the router.
//   node bench/support/bare-hops.ts upstream <port>
//   node bench/support/bare-hops.ts proxy <port> <upstream origin>
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [mode, portText, upstream] = process.argv.slice(2);
const port = Number(portText);

const CANNED = JSON.stringify({ data: { checkIn: { session: { id: '1', counted: true } } } });

const readBody = async (req: AsyncIterable<Buffer>) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
};

let server;
if (mode === 'upstream') {
  server = createServer(async (req, res) => {
    await readBody(req);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(CANNED);
  });
} else if (mode === 'proxy' && upstream) {
  const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
  server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const answer = await pool.request({
        path: req.url ?? '/',
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body,
      });
      const text = await answer.body.text();
      res.writeHead(answer.statusCode, { 'content-type': 'application/json; charset=utf-8' });
      res.end(text);
    } catch {
      res.writeHead(502).end();
    }
  });
} else {
  console.error('usage: bare-hops.ts upstream <port> | proxy <port> <upstream origin>');
  process.exit(2);
}
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1');
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
