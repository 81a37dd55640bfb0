// Scenario: abusive operations are refused at the router with their own code, before any subgraph
// works on them, while normal traffic keeps being served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGraph, type Graph } from './support/graph.ts';

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
