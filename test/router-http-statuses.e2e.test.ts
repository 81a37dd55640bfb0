// Scenario: a client that gets something wrong hears so with a 4xx status and a stable code, as
// the GraphQL-over-HTTP spec and docs/decisions/0013 say — never 500, which is kept for our own
// faults. The router's log (read here at debug level) has no error-level line and no stack for
// any of these client mistakes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startGraph, type Graph } from './support/graph.ts';
import { startTokenIssuer } from './support/token-issuer.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

describe('HTTP statuses of refusals', () => {
  let graph: Graph;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;

  // Every line the router logs while this file runs.
  const routerLog: string[] = [];

  before(async () => {
    issuer = await startTokenIssuer();
    graph = await startGraph({
      routerEnv: {
        USER_JWKS_URL: issuer.jwksUrl,
        RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
        LOG_LEVEL: 'debug',
      },
      routerOptions: { logDestination: { write: (line: string) => void routerLog.push(line) } },
    });
  });
  after(async () => {
    await graph?.stop();
    await issuer?.stop();
  });

  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${graph.router.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
  };
  const refusal = (answer: Answer) => {
    assert.notEqual(
      answer.body.errors?.[0]?.extensions?.code,
      'INTERNAL_SERVER_ERROR',
      JSON.stringify(answer.body),
    );
    return { status: answer.status, code: answer.body.errors?.[0]?.extensions?.code };
  };

  it('limit refusals are 400', async () => {
    let deep = 'id';
    for (let i = 0; i < 8; i++) deep = `challenges { creator { ${deep} } }`;
    assert.deepEqual(refusal(await post({ query: `{ user(id: "1") { ${deep} } }` })), {
      status: 400,
      code: 'DEPTH_LIMIT_EXCEEDED',
    });
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: cities { code }`).join(' ');
    assert.deepEqual(refusal(await post({ query: `{ ${aliases} }` })), {
      status: 400,
      code: 'ALIAS_LIMIT_EXCEEDED',
    });
  });

  it('a field that needs a login, asked anonymously, is 401 with WWW-Authenticate', async () => {
    const answer = await post({ query: 'mutation { leaveChallenge(id: "1") { id } }' });
    assert.deepEqual(refusal(answer), { status: 401, code: 'UNAUTHENTICATED' });
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
  });

  it('a field that needs a role the caller lacks is 403', async () => {
    const token = await issuer.sign({ sub: '7001', roles: ['USER'] });
    const answer = await post(
      { query: 'mutation { revokeVenueOperator(userId: "1", venueIds: ["1"]) { id } }' },
      { authorization: `Bearer ${token}` },
    );
    assert.deepEqual(refusal(answer), { status: 403, code: 'FORBIDDEN' });
  });

  it('a subscription over POST is 400 SUBSCRIPTION_REQUIRES_WEBSOCKET; over GET 405', async () => {
    const query = 'subscription { occupancyChanged(venueId: "1") { currentCount } }';
    assert.deepEqual(refusal(await post({ query })), {
      status: 400,
      code: 'SUBSCRIPTION_REQUIRES_WEBSOCKET',
    });
    const res = await fetch(`${graph.router.url}/graphql?${new URLSearchParams({ query })}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    assert.equal(res.status, 405);
    await res.body?.cancel();
  });

  it('several operations without operationName, or an unknown one, are 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const query = 'query A { cities { code } } query B { cities { name } }';
    assert.deepEqual(refusal(await post({ query })), { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' });
    assert.deepEqual(refusal(await post({ query, operationName: 'C' })), {
      status: 400,
      code: 'OPERATION_RESOLUTION_FAILURE',
    });
    const chosen = await post({ query, operationName: 'B' });
    assert.equal(chosen.status, 200);
    assert.equal(chosen.body.errors, undefined);
  });

  it('malformed requests are 400, never 500', async () => {
    const raw = async (body: string, contentType = 'application/json') => {
      const res = await fetch(`${graph.router.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      const text = await res.text();
      assert.doesNotMatch(text, /INTERNAL_SERVER_ERROR/, body);
      return res.status;
    };
    for (const body of [
      '{"query": ',
      '{"query": 5}',
      '[1, 2]',
      '{"query": "{ cities { code } }", "variables": "x"}',
      '{"query": "{ cities { code } }", "operationName": 5}',
      '{"query": "{"}',
      '{"query": "{ noSuchField }"}',
      '{"query": "query($n: Int!) { venues(first: $n) { edges { cursor } } }", "variables": {"n": "many"}}',
      '{"extensions": {"persistedQuery": "x"}}',
      '{"extensions": {"persistedQuery": {"version": 1}}}',
      '{}',
    ]) {
      assert.equal(await raw(body), 400, body);
    }
    assert.equal(await raw('{ cities { code } }', 'text/plain'), 400);
  });

  describe('automatic persisted queries', () => {
    const query = '{ cities { code } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');

    it('a hash alone is PERSISTED_QUERY_NOT_FOUND with 200 first, then served once sent with its query', async () => {
      const extensions = { persistedQuery: { version: 1, sha256Hash } };
      const miss = await post({ extensions });
      assert.deepEqual(refusal(miss), { status: 200, code: 'PERSISTED_QUERY_NOT_FOUND' });
      const registered = await post({ query, extensions });
      assert.equal(registered.body.errors, undefined);
      const hit = await post({ extensions });
      assert.equal(hit.status, 200);
      assert.deepEqual(hit.body, { data: { cities: [] } });
    });

    it('an unsupported version is 400 PERSISTED_QUERY_VERSION_NOT_SUPPORTED', async () => {
      const answer = await post({ query, extensions: { persistedQuery: { version: 2, sha256Hash } } });
      assert.deepEqual(refusal(answer), { status: 400, code: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED' });
    });

    it('a hash that is not the query’s is 400 PERSISTED_QUERY_HASH_MISMATCH', async () => {
      const answer = await post({
        query: '{ cities { name } }',
        extensions: { persistedQuery: { version: 1, sha256Hash } },
      });
      assert.deepEqual(refusal(answer), { status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' });
    });

    it('a registered query is measured against the limits like any other', async () => {
      // Cost depends on variables: registered with a small page, asked again with a huge one.
      const paged = 'query($n: Int) { venues(first: $n) { edges { node { id name } } } }';
      const extensions = {
        persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(paged).digest('hex') },
      };
      const small = await post({ query: paged, variables: { n: 5 }, extensions });
      assert.equal(small.status, 200, JSON.stringify(small.body));
      const huge = await post({ variables: { n: 100_000 }, extensions });
      assert.deepEqual(refusal(huge), { status: 400, code: 'COST_LIMIT_EXCEEDED' });
    });
  });

  it('an oversized body is 413', async () => {
    const answer = await post({ query: `{ cities { code } }`, variables: { pad: 'x'.repeat(300_000) } });
    assert.equal(answer.status, 413);
  });

  // Last: it reads the log of every refusal above.
  it('no refusal is logged at error level or with a stack', () => {
    const lines = routerLog.map((line) => JSON.parse(line) as { level: number; msg?: string });
    assert.ok(lines.length > 0, 'the router log was captured');
    const errors = lines.filter((l) => l.level >= 50);
    assert.deepEqual(errors, [], 'error-level lines');
    const withStack = routerLog.filter((line) => /"stack"|\n\s+at /.test(line));
    assert.deepEqual(withStack, [], 'lines with a stack');
  });
});
