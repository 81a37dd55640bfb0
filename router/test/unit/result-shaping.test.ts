// The router's result shaping (router/src/result-shaping.ts, docs/decisions/0030) replaces the
// gateway's `computeResponse`. These tests hold it to the gateway's own function, output for
// output, error for error, over operations that exercise every branch of the walk, and fail when
// the gateway under it changes (version, call site) so an upgrade is read against the patch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'graphql';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  MIRRORED_GATEWAY_VERSION,
  computeResponse,
  gatewayComputeResponse,
  installResultShaping,
  resultShapingInstalled,
} from '../../src/result-shaping.ts';
import { DEFAULT_SUPERGRAPH } from '../../src/gateway.ts';
import { withoutSecurityPurpose } from '../../src/security.ts';

const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- federation-internals, untyped here
const fed = gatewayRequire('@apollo/federation-internals') as any;

const schema = fed.buildSchema(`
  type Query {
    venues: [Venue!]!
    maybe: Venue
    strictVenue: Venue!
    node(id: ID!): Node
    search: [Result]
    matrix: [[Int]]
    strictInts: [Int!]
    kind: Kind
    json: JSON
    count: Int
    ratio: Float
    ok: Boolean
    id: ID
  }
  interface Node { id: ID! }
  type Venue implements Node { id: ID! name: String! capacity: Int forecast: [Point!] tags: [String] }
  type Point { at: String! expected: Float level: Kind }
  type User implements Node { id: ID! nick: String }
  union Result = Venue | User
  enum Kind { LOW HIGH }
  scalar JSON
`);

const introspectionHandling = (selection: { toString(): string }) => ({ handled: String(selection) });

type Outcome =
  { data: unknown; errors: Array<{ message: string; path: unknown; code: unknown }> } | { thrown: string };

function shape(
  fn: typeof computeResponse,
  operation: unknown,
  input: unknown,
  variables: Record<string, unknown>,
): Outcome {
  try {
    const { data, errors } = fn({
      operation,
      variables,
      input: structuredClone(input) as Record<string, unknown>,
      introspectionHandling,
    });
    return {
      // Through JSON and back: the key order and values, not the (null) prototypes.
      data: JSON.parse(JSON.stringify(data ?? null)),
      errors: (errors as Array<{ message: string; path?: unknown; extensions?: { code?: unknown } }>).map(
        (e) => ({
          message: e.message,
          path: e.path,
          code: e.extensions?.code,
        }),
      ),
    };
  } catch (err) {
    return { thrown: (err as Error).message };
  }
}

/** Both shapings of one operation over one input: they must agree; returns the router's. */
function agree(query: string, input: unknown, variables: Record<string, unknown> = {}): Outcome {
  const operation = () => fed.operationFromDocument(schema, parse(query), { validate: false });
  const expected = shape(gatewayComputeResponse, operation(), input, variables);
  const actual = shape(computeResponse, operation(), input, variables);
  assert.deepStrictEqual(actual, expected, `${query} over ${JSON.stringify(input)}`);
  return actual;
}

const forecastInput = (venues: number, points: number) => ({
  venues: Array.from({ length: venues }, (_, v) => ({
    __typename: 'Venue',
    id: String(v),
    name: `venue ${v}`,
    extra: 'not asked for',
    forecast: Array.from({ length: points }, (_, h) => ({
      at: `2026-12-07T${String(h).padStart(2, '0')}:00:00Z`,
      expected: h / 2,
      level: h % 2 ? 'HIGH' : 'LOW',
    })),
  })),
});

describe('router result shaping', () => {
  it('keeps exactly the fields asked for, in the order asked, aliases included', () => {
    const out = agree('{ venues { name id forecast { expected at level } } }', forecastInput(3, 4));
    assert.ok('data' in out);
    assert.deepEqual(Object.keys((out.data as { venues: object[] }).venues[0]!), ['name', 'id', 'forecast']);
    // The subgraphs answer with response names: an alias is a key of the input too.
    const aliased = agree('{ maybe { n: name id } }', { maybe: { n: 'Pool', id: '1', name: 'other' } });
    assert.deepEqual(aliased, { data: { maybe: { n: 'Pool', id: '1' } }, errors: [] });
  });

  it('shapes a page of 50 venues × 24 forecast points as the gateway does', () => {
    agree('{ venues { id name forecast { at expected level } } }', forecastInput(50, 24));
  });

  it('bubbles a null of a non-null field up to the nearest nullable parent, with the gateway’s error', () => {
    const input = forecastInput(2, 2);
    (input.venues[1]!.forecast[1] as Record<string, unknown>).at = null;
    const out = agree('{ venues { id forecast { at } } }', input);
    assert.ok('errors' in out && out.errors.length === 1);
    agree('{ strictVenue { id name } }', { strictVenue: { id: '1', name: null } });
    agree('{ venues { id name } }', { venues: [{ id: '1', name: 'a' }, null] });
    agree('{ strictInts }', { strictInts: [1, null, 3] });
  });

  it('turns invalid leaf values into null with an error, and lets custom scalars through', () => {
    agree('{ count ratio ok kind id json }', {
      count: 1.5,
      ratio: 'x',
      ok: 1,
      kind: 'MEDIUM',
      id: 12,
      json: { any: ['thing'] },
    });
    agree('{ count ratio ok kind id }', { count: 3, ratio: 2, ok: false, kind: 'LOW', id: 'abc' });
  });

  it('fills __typename from the data or the parent type, aliased or not', () => {
    agree('{ __typename t: __typename maybe { __typename t: __typename id } }', {
      maybe: { __typename: 'Venue', id: '1' },
    });
    agree('{ maybe { t: __typename id } }', { maybe: { id: '1' } });
    // An abstract type without a __typename cannot be told: the object becomes null.
    agree('{ node(id: "1") { __typename id } }', { node: { id: '1' } });
    agree('{ node(id: "1") { id } }', { node: { __typename: 'Nope', id: '1' } });
  });

  it('applies inline and named fragments by the object’s type', () => {
    const input = {
      search: [
        { __typename: 'Venue', id: '1', name: 'Pool', capacity: 3 },
        { __typename: 'User', id: '2', nick: 'ann' },
        null,
      ],
      node: { __typename: 'User', id: '2', nick: 'ann' },
    };
    agree(
      `{ search { __typename ... on Venue { name ...Cap } ... on User { nick } ... on Node { id } }
         node(id: "2") { id ... on User { nick } ... on Venue { name } } }
       fragment Cap on Venue { capacity }`,
      input,
    );
    agree('{ search { ... on Node { id } } }', { search: [{ __typename: 7, id: '1' }] });
  });

  it('merges a field selected twice through fragments into one output object', () => {
    agree(
      '{ maybe { id } ... on Query { maybe { name tags } } ...F } fragment F on Query { maybe { capacity } }',
      {
        maybe: { __typename: 'Venue', id: '1', name: 'Pool', tags: ['a', null], capacity: 2 },
      },
    );
  });

  it('evaluates @skip and @include with each call’s variables, defaults and literals', () => {
    const query = `query($s: Boolean!, $i: Boolean = true) {
      venues { id @skip(if: $s) name @include(if: $i) capacity @skip(if: false) tags @include(if: false)
        ... on Venue @skip(if: $s) { forecast { at } } } }`;
    const input = forecastInput(2, 2);
    for (const variables of [{ s: true }, { s: false }, { s: true, i: false }, { s: false, i: false }])
      agree(query, input, variables);
    agree(query, input, {}); // an undefined $s fails the gateway's assertion: the same message
  });

  it('evaluates @skip with each call’s variables even when an operation object is reused', () => {
    const operation = fed.operationFromDocument(
      schema,
      parse('query($s: Boolean!) { count @skip(if: $s) ok }'),
      {
        validate: false,
      },
    );
    const input = { count: 1, ok: true };
    for (const s of [false, true, false]) {
      assert.deepStrictEqual(
        shape(computeResponse, operation, input, { s }),
        shape(gatewayComputeResponse, operation, input, { s }),
      );
    }
    assert.deepEqual(shape(computeResponse, operation, input, { s: true }), {
      data: { ok: true },
      errors: [],
    });
  });

  it('shapes each operation by its own selections (no memo shared between operations)', () => {
    const input = forecastInput(1, 1);
    const a = agree('{ venues { id } }', input);
    const b = agree('{ venues { name } }', input);
    assert.notDeepEqual(a, b);
  });

  it('shapes lists of lists, empty lists and a missing root', () => {
    agree('{ matrix }', { matrix: [[1, 2], [], null, [null, 'x']] });
    agree('{ venues { id } }', { venues: [] });
    agree('{ venues { id } }', null);
    agree('{ maybe { id } }', {});
  });

  it('keeps any response key, __proto__ and constructor included, an own property that reaches no prototype', () => {
    // Parsed from JSON, as the subgraphs' answers are: `__proto__` is then an own key.
    const parsed = JSON.parse(
      '{"maybe":{"__proto__":"Pool","constructor":"7","hasOwnProperty":3,"toString":null},"__proto__":{"polluted":true}}',
    );
    const query = '{ maybe { __proto__: name constructor: id hasOwnProperty: capacity toString: tags } }';
    const operation = fed.operationFromDocument(schema, parse(query), { validate: false });
    const { data } = computeResponse({ operation, input: parsed, introspectionHandling });
    const maybe = (data as { maybe: Record<string, unknown> }).maybe;
    assert.deepEqual(Object.keys(maybe), ['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    assert.equal(Object.getOwnPropertyDescriptor(maybe, '__proto__')?.value, 'Pool');
    assert.equal(maybe.constructor, '7');
    assert.equal(maybe.toString, null);
    assert.equal((maybe as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    // A key the data does not have reads undefined: nothing is inherited.
    for (const key of ['valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'])
      assert.equal((maybe as Record<string, unknown>)[key], undefined, key);
    assert.equal(
      JSON.stringify(maybe),
      '{"__proto__":"Pool","constructor":"7","hasOwnProperty":3,"toString":null}',
    );
    agree(query, parsed);
  });

  it('hands schema introspection fields to the gateway’s introspection handler', () => {
    const out = agree('{ __schema { queryType { name } } count }', { count: 1 });
    assert.ok('data' in out);
    assert.ok((out.data as Record<string, unknown>).__schema);
  });

  it('fails on malformed subgraph data with the gateway’s assertion messages', () => {
    const out = agree('{ venues { id } }', { venues: { id: '1' } });
    assert.ok('thrown' in out);
    agree('{ maybe { id } }', { maybe: 'venue' });
    agree('{ maybe { id } }', { maybe: { __typename: 5, id: '1' } });
  });
});

describe('router result shaping in the gateway', () => {
  it('mirrors the installed @apollo/gateway version (an upgrade must be read against result-shaping.ts)', () => {
    const { version } = gatewayRequire('@apollo/gateway/package.json') as { version: string };
    assert.equal(version, MIRRORED_GATEWAY_VERSION);
    // The call site the patch relies on: the module export, read at each call.
    const source = readFileSync(gatewayRequire.resolve('./executeQueryPlan.js'), 'utf8');
    assert.match(source, /const resultShaping_1 = require\("\.\/resultShaping"\);/);
    assert.match(source, /\(0, resultShaping_1\.computeResponse\)\(\{/);
  });

  it('is what the gateway calls when it executes a query plan', async () => {
    installResultShaping();
    assert.ok(resultShapingInstalled());
    const module = gatewayRequire('./resultShaping.js') as { computeResponse: typeof computeResponse };
    let calls = 0;
    module.computeResponse = (args) => {
      calls++;
      return computeResponse(args);
    };
    const gateway = new ApolloGateway({
      supergraphSdl: withoutSecurityPurpose(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')),
      buildService: () => ({
        process: async () => ({
          data: {
            venues: {
              edges: [
                { node: { id: '1', name: 'Pool', extra: 1 } },
                { node: { id: '2', name: null } }, // non-null all the way up: data becomes null
              ],
            },
          },
        }),
      }),
    });
    const server = new ApolloServer({ gateway });
    await server.start();
    try {
      const response = await server.executeOperation({ query: '{ venues { edges { node { name id } } } }' });
      assert.equal(response.body.kind, 'single');
      const result = response.body.kind === 'single' ? response.body.singleResult : null;
      assert.equal(calls, 1);
      assert.equal(result?.data, null);
      assert.match(
        JSON.stringify(result?.extensions?.valueCompletion),
        /Cannot return null for non-nullable field Venue.name/,
      );
    } finally {
      await server.stop();
      installResultShaping();
    }
  });
});
