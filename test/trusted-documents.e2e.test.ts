// The router in production posture: only the clients' generated documents run (by hash), and CORS
// lets in the console's origin only — over HTTP and on WebSocket upgrades.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ConsoleCitiesDocument } from '@sport-venue/graph-client/console';
import { documentHash, persistedRequest } from '@sport-venue/graph-client';
import { startGraph, type Graph } from './support/graph.ts';

const CONSOLE = 'http://console.test:4020';
let graph: Graph;

before(async () => {
  graph = await startGraph({
    routerEnv: { TRUSTED_DOCUMENTS: 'enforce', CORS_ORIGINS: `${CONSOLE},http://other.test` },
  });
});
after(async () => {
  await graph?.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${graph.router.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    res,
    body: (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> },
  };
}

function wsRun(payload: {
  query: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}) {
  const client = createClient({
    url: `${graph.router.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  return new Promise<{ data?: unknown; errors?: unknown }>((resolve, reject) => {
    let result: { data?: unknown; errors?: unknown } = {};
    client.subscribe(payload, {
      next: (value) => (result = value as never),
      error: (errors) => {
        void client.dispose();
        resolve({ errors });
      },
      complete: () => {
        void client.dispose();
        resolve(result);
      },
    });
    setTimeout(() => reject(new Error('no answer over the socket')), 30_000).unref();
  });
}

describe('trusted documents (enforced)', () => {
  it('run a generated document named by its sha256 alone', async () => {
    const { res, body } = await post(persistedRequest(ConsoleCitiesDocument));
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.ok(Array.isArray((body.data as { cities: unknown[] }).cities));
  });

  it('accept the hash as documentId too', async () => {
    const { body } = await post({ documentId: `sha256:${documentHash(ConsoleCitiesDocument)}` });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  });

  it('refuse a query that is not in a manifest with 400 PERSISTED_QUERY_NOT_FOUND', async () => {
    const { res, body } = await post({ query: '{ cities { code } }' });
    assert.equal(res.status, 400);
    assert.equal(body.errors?.[0]?.extensions?.code, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuse an unknown hash, even with a query attached', async () => {
    const { res, body } = await post({
      query: '{ cities { code } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
    });
    assert.equal(res.status, 400);
    assert.equal(body.errors?.[0]?.extensions?.code, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('run the manifest text, not the text sent along with a known hash', async () => {
    const { body } = await post({
      query: '{ venues { edges { node { id } } } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(ConsoleCitiesDocument) } },
    });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.deepEqual(Object.keys(body.data as object), ['cities']);
  });

  it('apply over graphql-ws: a hash runs, a bare query is refused', async () => {
    const ok = await wsRun({ query: '', ...persistedRequest(ConsoleCitiesDocument) });
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    assert.ok((ok.data as { cities: unknown[] }).cities);
    const refused = await wsRun({ query: '{ cities { code } }' });
    assert.match(JSON.stringify(refused.errors), /PERSISTED_QUERY_NOT_FOUND/);
  });
});

describe('CORS', () => {
  it("answers the console origin's preflight and marks its responses", async () => {
    const pre = await fetch(`${graph.router.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: CONSOLE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), CONSOLE);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const { res } = await post(persistedRequest(ConsoleCitiesDocument), { origin: CONSOLE });
    assert.equal(res.headers.get('access-control-allow-origin'), CONSOLE);
  });

  it('stays closed to any other origin', async () => {
    const pre = await fetch(`${graph.router.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 403);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    const { res } = await post(persistedRequest(ConsoleCitiesDocument), { origin: 'https://evil.test' });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('refuses a WebSocket upgrade from another origin', async () => {
    const url = `${graph.router.url.replace(/^http/, 'ws')}/graphql`;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { origin: 'https://evil.test' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => undefined);
    });
    assert.equal(status, 401);
    const allowed = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { origin: CONSOLE });
      ws.on('open', () => {
        ws.close();
        resolve(true);
      });
      ws.on('error', () => resolve(false));
    });
    assert.equal(allowed, true);
  });
});
