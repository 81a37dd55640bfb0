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

  it('a document served with a small page size is refused when its variables ask for an expensive one', async () => {
    // The limits' verdicts are remembered per document (router/src/limits-cache.ts); a measure that
    // reads a variable is taken again for every request.
    const query = `query Page($n: Int) { venues(first: $n) { edges { node { challenges { creator { challenges { title } } } } } } }`;
    const small = await post({ query, variables: { n: 1 } });
    assert.equal(codeOf(small), undefined, JSON.stringify(small.body.errors));
    const large = await post({ query, variables: { n: 100 } });
    assert.equal(large.status, 400);
    assert.equal(codeOf(large), 'COST_LIMIT_EXCEEDED');
    assert.equal(codeOf(await post({ query, variables: { n: 1 } })), undefined);
  });

  describe('the bomb family: refused before validation, with a query beside it served', () => {
    /** `levels` fragments on City, each spreading the next `fanout` times. */
    const fanOut = (levels: number, fanout: number, leaf: string) => {
      let fragments = '';
      for (let i = 0; i < levels; i++) {
        const body = i < levels - 1 ? Array.from({ length: fanout }, () => `...F${i + 1}`).join(' ') : leaf;
        fragments += `fragment F${i} on City { ${body} } `;
      }
      return `{ cities { ...F0 } } ${fragments}`;
    };
    const refusedBeside = async (query: string, code: string) => {
      const [abuse, ok] = await Promise.all([post({ query }), normal()]);
      assert.equal(abuse.status, 400, JSON.stringify(abuse.body));
      assert.equal(codeOf(abuse), code);
      assert.equal(ok.errors, undefined);
    };

    it('fragment fan-out (7 fragments each spreading the next 10 times) → COST_LIMIT_EXCEEDED', async () => {
      await refusedBeside(fanOut(7, 10, 'code name'), 'COST_LIMIT_EXCEEDED');
    });

    it('aliases multiplied by fragments → ALIAS_LIMIT_EXCEEDED', async () => {
      // 3 aliases, spread 10 × 10 times: 300 aliases in a document that writes 3.
      await refusedBeside(
        `{ city(code: "1") { ...A } } fragment A on City { ...B ...B ...B ...B ...B ...B ...B ...B ...B ...B }
         fragment B on City { ...C ...C ...C ...C ...C ...C ...C ...C ...C ...C } fragment C on City { a: code b: name c: code }`,
        'ALIAS_LIMIT_EXCEEDED',
      );
    });

    it('one field repeated (`me { id }` × 1,200, or in 400 fragments) → FIELD_REPEAT_LIMIT_EXCEEDED', async () => {
      await refusedBeside(
        `{ ${Array.from({ length: 1_200 }, () => 'me { id }').join(' ')} }`,
        'FIELD_REPEAT_LIMIT_EXCEEDED',
      );
      const spreads = Array.from({ length: 400 }, (_, i) => `...M${i}`).join(' ');
      const fragments = Array.from({ length: 400 }, (_, i) => `fragment M${i} on Query { me { id } }`).join(
        ' ',
      );
      await refusedBeside(`{ ${spreads} } ${fragments}`, 'FIELD_REPEAT_LIMIT_EXCEEDED');
    });

    it('directive repetition → DIRECTIVE_LIMIT_EXCEEDED', async () => {
      const many = Array.from({ length: 600 }, () => '@include(if: true)').join(' ');
      await refusedBeside(`{ cities ${many} { code } }`, 'DIRECTIVE_LIMIT_EXCEEDED');
    });

    it('deep introspection (__type { ofType × 50 }) → DEPTH_LIMIT_EXCEEDED; the standard introspection query is answered', async () => {
      let chain = 'name';
      for (let i = 0; i < 50; i++) chain = `ofType { ${chain} }`;
      await refusedBeside(`{ __type(name: "Venue") { ${chain} } }`, 'DEPTH_LIMIT_EXCEEDED');
      const { getIntrospectionQuery } = await import('graphql');
      const standard = await post({ query: getIntrospectionQuery() });
      assert.equal(standard.status, 200);
      assert.equal(standard.body.errors, undefined);
    });

    it('over WebSocket, a fan-out bomb is refused as a query and as a subscription', async () => {
      const { client } = wsClient(graph.router.url);
      try {
        const query = await execute(client, fanOut(7, 10, 'code name'));
        assert.equal(query.errors?.[0]?.extensions?.code, 'COST_LIMIT_EXCEEDED');
        let fragments = '';
        for (let i = 0; i < 7; i++) {
          const body = i < 6 ? Array.from({ length: 10 }, () => `...S${i + 1}`).join(' ') : 'currentCount';
          fragments += `fragment S${i} on OccupancyUpdate { ${body} } `;
        }
        const subscription = await execute(
          client,
          `subscription { occupancyChanged(venueId: "1") { ...S0 } } ${fragments}`,
        );
        assert.equal(subscription.errors?.[0]?.extensions?.code, 'COST_LIMIT_EXCEEDED');
      } finally {
        await client.dispose();
      }
    });
  });

  describe('a batch at the limits', () => {
    const batch = async (operations: unknown[]) => post(operations);

    it('operations each within the cost limit but over it together → COST_LIMIT_EXCEEDED', async () => {
      // Each costs 2,202: 1 + 1 + 50 edges × (node 1 + id 1 + name 1 + challenges 1 + 20 × 2).
      const one = { query: '{ venues(first: 50) { edges { node { id name challenges { id title } } } } }' };
      const answer = await batch([one, one, one]);
      assert.equal(answer.status, 400);
      assert.equal(codeOf(answer), 'COST_LIMIT_EXCEEDED');
      const within = await fetch(`${graph.router.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([one, one]),
      });
      assert.equal(within.status, 200);
      const results = (await within.json()) as Array<{ errors?: unknown }>;
      assert.equal(results.length, 2);
      assert.ok(
        results.every((r) => r.errors === undefined),
        JSON.stringify(results),
      );
    });

    it('aliases add up over a batch → ALIAS_LIMIT_EXCEEDED', async () => {
      const aliased = { query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: __typename`).join(' ')} }` };
      const answer = await batch([aliased, aliased]);
      assert.equal(answer.status, 400);
      assert.equal(codeOf(answer), 'ALIAS_LIMIT_EXCEEDED');
    });
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
