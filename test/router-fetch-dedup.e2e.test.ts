// Scenario: many clients ask the same thing at once. While one subgraph fetch is in flight, the
// router answers identical ones (same document, variables and caller scope) from it instead of
// sending its own; fetches on behalf of different users are never merged; SUBGRAPH_FETCH_DEDUP=false
// sends every fetch. A gate in front of the real venue subgraph holds fetches, so "at once" is
// certain and not a matter of timing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { DEV_IDENTITY_SECRET, IDENTITY_HEADER, parseConfig, verifyIdentity } from '@sport-venue/shared';
import { eventually } from '@sport-venue/shared/testing';
import { startRouter } from '../router/src/index.ts';
import { routerConfigSchema } from '../router/src/config.ts';
import { startGraph, type Graph } from './support/graph.ts';

/** A pass-through to the venue subgraph that holds GraphQL requests while closed. */
async function gate() {
  const state = { target: '', closed: false };
  const seen: IncomingMessage['headers'][] = [];
  let held: Array<() => void> = [];
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const upstream = httpRequest(
      new URL(req.url ?? '/', state.target),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith('/graphql')) seen.push(req.headers);
      if (state.closed && req.url?.startsWith('/graphql')) held.push(() => forward(req, body, res));
      else forward(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    held: () => held.length,
    forwardTo: (target: string) => (state.target = target),
    close: () => (state.closed = true),
    open() {
      state.closed = false;
      for (const release of held.splice(0)) release();
      held = [];
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const CITIES = '{ cities { code name } }';

describe('merging identical in-flight subgraph fetches', () => {
  let graph: Graph;
  let proxy: Awaited<ReturnType<typeof gate>>;

  const merged = async (routerUrl: string) => {
    const text = await (await fetch(`${routerUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('subgraph_fetches_merged_total{subgraph="venue"}'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const post = (routerUrl: string, query: string, token?: string) =>
    fetch(`${routerUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));
  const login = async (code: string) => {
    const r = await graph.graphql<{ loginWithWeChat: { accessToken: string; user: { id: string } } }>(
      `mutation { loginWithWeChat(code: "${code}") { accessToken user { id } } }`,
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!.loginWithWeChat;
  };

  before(async () => {
    proxy = await gate();
    graph = await startGraph({ routerEnv: { VENUE_SUBGRAPH_URL: `${proxy.url}/graphql` } });
    proxy.forwardTo(graph.venue.url);
    await graph.venue.db.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
  });
  after(async () => {
    proxy?.open();
    await graph?.stop();
    await proxy?.stop();
  });

  it('N identical concurrent queries cause one subgraph fetch, and every client gets the answer', async () => {
    const router = graph.router.url;
    const mergedBefore = await merged(router);
    const seenBefore = proxy.seen.length;
    proxy.close();
    const answers = Promise.all(Array.from({ length: 8 }, () => post(router, CITIES)));
    // Seven joined the one held at the gate: nothing else can have been sent.
    await eventually(async () => (await merged(router)) - mergedBefore === 7, { timeoutMs: 30_000 });
    assert.equal(proxy.seen.length - seenBefore, 1);
    proxy.open();
    for (const { status, body } of await answers) {
      assert.equal(status, 200);
      assert.deepEqual(body, { data: { cities: [{ code: '310000', name: '上海' }] } });
    }
    assert.equal(proxy.seen.length - seenBefore, 1, 'one fetch for all eight');
  });

  it("different users' fetches are not merged, the same user's are", async () => {
    const router = graph.router.url;
    const [a, b] = [await login('test-dedup-a'), await login('test-dedup-b')];
    const mergedBefore = await merged(router);
    const seenBefore = proxy.seen.length;
    proxy.close();
    const answers = Promise.all([
      ...Array.from({ length: 3 }, () => post(router, CITIES, a.accessToken)),
      ...Array.from({ length: 3 }, () => post(router, CITIES, b.accessToken)),
    ]);
    await eventually(async () => (await merged(router)) - mergedBefore === 4, { timeoutMs: 30_000 });
    proxy.open();
    for (const { status } of await answers) assert.equal(status, 200);
    const fetched = proxy.seen.slice(seenBefore);
    assert.equal(fetched.length, 2, 'one fetch per user');
    const users = await Promise.all(
      fetched.map(
        async (h) => (await verifyIdentity(h[IDENTITY_HEADER] as string, DEV_IDENTITY_SECRET))?.userId,
      ),
    );
    assert.deepEqual(users.sort(), [a.user.id, b.user.id].sort(), 'each fetch on behalf of its own user');
  });

  it('SUBGRAPH_FETCH_DEDUP=false sends every fetch', async () => {
    const separate = await startRouter(
      parseConfig(routerConfigSchema, {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        ROUTER_PORT: '0',
        REDIS_URL: graph.redisUrl,
        PUBSUB_PREFIX: graph.pubsubPrefix,
        USER_SUBGRAPH_URL: `${graph.user.url}/graphql`,
        VENUE_SUBGRAPH_URL: `${proxy.url}/graphql`,
        SOCIAL_SUBGRAPH_URL: `${graph.social.url}/graphql`,
        PREDICTION_SUBGRAPH_URL: `${graph.prediction.url}/graphql`,
        USER_JWKS_URL: `${graph.user.url}/.well-known/jwks.json`,
        SUBGRAPH_FETCH_DEDUP: 'false',
      }),
    );
    try {
      proxy.close();
      const answers = Promise.all(Array.from({ length: 5 }, () => post(separate.url, CITIES)));
      await eventually(() => proxy.held() === 5, { timeoutMs: 30_000 });
      proxy.open();
      for (const { status } of await answers) assert.equal(status, 200);
      assert.equal(await merged(separate.url), 0);
    } finally {
      proxy.open();
      await separate.stop();
    }
  });
});
