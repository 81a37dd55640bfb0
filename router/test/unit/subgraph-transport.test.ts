// The router's HTTP client for subgraph fetches, against real Node HTTP servers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createSubgraphTransport } from '../../src/subgraph-transport.ts';

async function serve(handler: Parameters<typeof createServer>[1]) {
  const server: Server = createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: new URL(`http://127.0.0.1:${port}/graphql`),
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('subgraph transport', () => {
  it('POSTs the body with the given headers and hands back status, headers and text', async () => {
    const seen: Array<{ method?: string; url?: string; identity?: string; body: string }> = [];
    const subgraph = await serve(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      seen.push({ method: req.method, url: req.url, identity: req.headers['x-sv-identity'] as string, body });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=5' });
      res.end('{"data":{"ok":true}}');
    });
    const transport = createSubgraphTransport({ timeoutMs: 10_000 });
    try {
      const answer = await transport.send(
        subgraph.url,
        { 'content-type': 'application/json', 'x-sv-identity': 'signed' },
        '{"query":"{ ok }"}',
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['cache-control'], 'max-age=5');
      assert.equal(answer.body, '{"data":{"ok":true}}');
      assert.deepEqual(seen, [
        { method: 'POST', url: '/graphql', identity: 'signed', body: '{"query":"{ ok }"}' },
      ]);
    } finally {
      await transport.close();
      await subgraph.close();
    }
  });

  it('keeps the connection to a subgraph alive between fetches', async () => {
    const subgraph = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    const transport = createSubgraphTransport({ timeoutMs: 10_000 });
    try {
      for (let i = 0; i < 20; i++) await transport.send(subgraph.url, {}, '{}');
      // One, or two when a fetch is sent in the same turn its predecessor's connection is released.
      assert.ok(subgraph.connections() <= 2, `${subgraph.connections()} connections for 20 fetches`);
    } finally {
      await transport.close();
      await subgraph.close();
    }
  });

  it('gives up on a subgraph that never answers once the deadline passes', async () => {
    const subgraph = await serve((req) => req.resume()); // reads the request, never answers
    const transport = createSubgraphTransport({ timeoutMs: 300 });
    try {
      await assert.rejects(transport.send(subgraph.url, {}, '{}'), /timeout/i);
    } finally {
      await transport.close();
      await subgraph.close();
    }
  });
});
