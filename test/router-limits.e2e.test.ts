// Scenario: abusive operations are refused at the router with their own code, before any subgraph
// works on them, while normal traffic keeps being served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startGraph, type Graph } from './support/graph.ts';
import { execute, wsClient } from './support/ws-client.ts';

describe('router limits', () => {
  let graph: Graph;

  before(async () => {
    graph = await startGraph({ routerEnv: { RATE_LIMIT_PER_IP_PER_MINUTE: '100000' } });
  });
  after(async () => {
    await graph?.stop();
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${graph.router.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> } & Record<
        string,
        unknown
      >,
    };
  };
  const codeOf = (r: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) =>
    r.body.errors?.[0]?.extensions?.code;
  const normal = () => graph.graphql('{ cities { code name } }');

  it('depth 50 is refused with DEPTH_LIMIT_EXCEEDED', async () => {
    let selection = 'id';
    for (let i = 0; i < 24; i++) selection = `challenges { creator { ${selection} } }`;
    const [abuse, ok] = await Promise.all([post({ query: `{ user(id: "1") { ${selection} } }` }), normal()]);
    assert.equal(codeOf(abuse), 'DEPTH_LIMIT_EXCEEDED');
    assert.equal(ok.errors, undefined);
  });

  it('1,000 aliases are refused with ALIAS_LIMIT_EXCEEDED', async () => {
    const fields = Array.from({ length: 1_000 }, (_, i) => `a${i}: __typename`).join(' ');
    const [abuse, ok] = await Promise.all([post({ query: `{ ${fields} }` }), normal()]);
    assert.equal(codeOf(abuse), 'ALIAS_LIMIT_EXCEEDED');
    assert.equal(ok.errors, undefined);
  });

  it('a 1 MB query is refused with PAYLOAD_TOO_LARGE before it is parsed', async () => {
    const query = `{ cities { code } } # ${'x'.repeat(1_000_000)}`;
    const [abuse, ok] = await Promise.all([post({ query }), normal()]);
    assert.equal(abuse.status, 413);
    assert.equal(codeOf(abuse), 'PAYLOAD_TOO_LARGE');
    assert.equal(ok.errors, undefined);
  });

  it('a query with too many tokens is refused with TOKEN_LIMIT_EXCEEDED', async () => {
    const query = `{ cities { ${Array.from({ length: 6_000 }, () => 'code').join(' ')} } }`;
    const abuse = await post({ query });
    assert.equal(abuse.status, 400);
    assert.equal(codeOf(abuse), 'TOKEN_LIMIT_EXCEEDED');
  });

  it('a GET query with too many tokens is refused with TOKEN_LIMIT_EXCEEDED too', async () => {
    const get = async (query: string) => {
      const res = await fetch(`${graph.router.url}/graphql?${new URLSearchParams({ query })}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      return { status: res.status, body: (await res.json()) as Parameters<typeof codeOf>[0]['body'] };
    };
    const ok = await get('{ cities { code } }');
    assert.equal(ok.status, 200);
    assert.equal(ok.body.errors, undefined);
    // One-letter tokens keep the URL under Node's header size limit.
    const abuse = await get(`{ cities { ${Array.from({ length: 6_000 }, () => 'a').join(' ')} } }`);
    assert.equal(abuse.status, 400);
    assert.equal(codeOf(abuse), 'TOKEN_LIMIT_EXCEEDED');
  });

  it('over WebSocket, queries and mutations are refused with the same codes', async () => {
    const { client } = wsClient(graph.router.url);
    try {
      let selection = 'id';
      for (let i = 0; i < 24; i++) selection = `challenges { creator { ${selection} } }`;
      const deep = await execute(client, `{ user(id: "1") { ${selection} } }`);
      assert.equal(deep.errors?.[0]?.extensions?.code, 'DEPTH_LIMIT_EXCEEDED');
      const invalid = await execute(client, '{ noSuchField }');
      assert.equal(invalid.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      const anonymous = await execute(client, 'mutation { leaveChallenge(id: "1") { id } }');
      assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      const ok = await execute(client, '{ cities { code } }');
      assert.equal(ok.errors, undefined);
    } finally {
      await client.dispose();
    }
  });

  it('an expensive list query is refused with COST_LIMIT_EXCEEDED', async () => {
    const query = `{ venues(first: 100) { edges { node { challenges { creator { challenges { venue { challenges { title } } } } } } } } }`;
    const [abuse, ok] = await Promise.all([post({ query }), normal()]);
    assert.equal(codeOf(abuse), 'COST_LIMIT_EXCEEDED');
    assert.equal(ok.errors, undefined);
  });

  it('200 batched operations are refused with BATCH_LIMIT_EXCEEDED; a small batch is served', async () => {
    const big = await post(Array.from({ length: 200 }, () => ({ query: '{ cities { code } }' })));
    assert.equal(big.status, 400);
    assert.equal(codeOf(big), 'BATCH_LIMIT_EXCEEDED');
    const small = await fetch(`${graph.router.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ cities { code } }' }, { query: '{ cities { name } }' }]),
    });
    const results = (await small.json()) as unknown[];
    assert.equal(results.length, 2);
  });
});

describe('router rate limit', () => {
  let graph: Graph;
  before(async () => {
    graph = await startGraph({ routerEnv: { RATE_LIMIT_PER_IP_PER_MINUTE: '5' } });
  });
  after(async () => {
    await graph?.stop();
  });

  it('past the per-IP budget requests get 429 RATE_LIMITED with a retry-after', async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await graph.graphql('{ cities { code } }'));
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 200, 200, 200, 429, 429],
    );
    const limited = results.at(-1)!;
    assert.equal(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.ok(Number(limited.errors?.[0]?.extensions?.retryAfterSeconds) >= 1);
  });

  it('a WebSocket client spends the budget of its own address, shared with that address’s HTTP requests', async () => {
    const httpFrom = (localAddress: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          `${graph.router.url}/graphql`,
          { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query: '{ cities { code } }' }));
      });
    // Loopback aliases: to the router these are three different clients.
    const one = wsClient(graph.router.url, {}, { localAddress: '127.0.0.2' });
    const two = wsClient(graph.router.url, {}, { localAddress: '127.0.0.3' });
    try {
      const codes = [];
      for (let i = 0; i < 6; i++) {
        const result = await execute(one.client, '{ cities { code } }');
        codes.push(result.errors?.[0]?.extensions?.code ?? 'ok');
      }
      assert.deepEqual(codes, ['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED']);
      assert.equal(await httpFrom('127.0.0.2'), 429, 'HTTP from the same address shares its budget');
      const other = await execute(two.client, '{ cities { code } }');
      assert.equal(other.errors, undefined, 'another address has a budget of its own');
      assert.equal(await httpFrom('127.0.0.4'), 200);
    } finally {
      await Promise.all([one.client.dispose(), two.client.dispose()]);
    }
  });
});

describe('automatic persisted queries', () => {
  let graph: Graph;
  before(async () => {
    graph = await startGraph();
  });
  after(async () => {
    await graph?.stop();
  });

  it('a hash alone is unknown first, then served once the query was sent with it', async () => {
    const { createHash } = await import('node:crypto');
    const query = '{ cities { code } }';
    const extensions = {
      persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') },
    };
    const send = async (body: Record<string, unknown>) => {
      const res = await fetch(`${graph.router.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    };
    const miss = await send({ extensions });
    assert.equal(miss.errors?.[0]?.extensions?.code, 'PERSISTED_QUERY_NOT_FOUND');
    assert.equal((await send({ query, extensions })).errors, undefined);
    const hit = await send({ extensions });
    assert.equal(hit.errors, undefined);
    assert.deepEqual(hit.data, { cities: [] });
  });
});
