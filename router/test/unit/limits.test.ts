import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { checkBatch, checkDocument, measureOperation, type Limits } from '../../src/limits.ts';

const schema = buildSchema(`
  type Query {
    cities: [City!]!
    city(code: String!): City
    venues(first: Int): [Venue!]!
    venuePage(first: Int): VenueConnection!
  }
  type VenueConnection { edges: [VenueEdge!]! }
  type VenueEdge { node: Venue! }
  type City { code: String! name: String! venues(first: Int): [Venue!]! }
  type Venue { id: ID! name: String! city: City! }
`);

const limits: Limits = {
  maxTokens: 5_000,
  maxDepth: 12,
  maxIntrospectionDepth: 15,
  maxAliases: 30,
  maxDirectives: 50,
  maxFieldRepeats: 20,
  maxCost: 5_000,
  defaultListSize: 20,
};

const measure = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return measureOperation(schema, document, operation, limits, variables);
};
const codeOf = (query: string, variables: Record<string, unknown> = {}) => {
  const checked = checkDocument(schema, parse(query), limits, variables);
  return checked.error ? checked.error.extensions.code : null;
};

/** `levels` fragments, each spreading the next `fanout` times: fanout^levels leaves. */
function fanOut(levels: number, fanout: number, leaf = 'name') {
  let fragments = '';
  for (let i = 0; i < levels; i++) {
    const body = i < levels - 1 ? Array.from({ length: fanout }, () => `...F${i + 1}`).join(' ') : leaf;
    fragments += `fragment F${i} on City { ${body} } `;
  }
  return `{ city(code: "310000") { ...F0 } } ${fragments}`;
}

describe('query limits', () => {
  it(
    'counts what a fragment expands to at every spread, walking each fragment once',
    { timeout: 60_000 },
    () => {
      assert.deepEqual(measure(fanOut(4, 10)), {
        depth: 2,
        introspectionDepth: 0,
        aliases: 0,
        directives: 0,
        cost: 1 + 1_000,
        repeats: 1,
      });
      // 10^39 leaves: expanding spreads would never finish; memoised, it is 40 small walks.
      const huge = measure(fanOut(40, 10));
      assert.ok(Math.abs(huge.cost / 1e39 - 1) < 1e-9, String(huge.cost));
      assert.equal(codeOf(fanOut(40, 10)), 'COST_LIMIT_EXCEEDED');
    },
  );

  it('multiplies a list by its first argument, from a literal or a variable', () => {
    assert.equal(measure('{ venues(first: 5) { id city { name } } }').cost, 1 + 5 * 3);
    assert.equal(measure('query($n: Int) { venues(first: $n) { id } }', { n: 100 }).cost, 1 + 100);
    assert.equal(measure('{ cities { code } }').cost, 1 + 20);
  });

  it('sizes the edges of a connection by the connection’s first argument', () => {
    assert.equal(measure('{ venuePage(first: 500) { edges { node { id } } } }').cost, 1 + 1 + 500 * 2);
    const paged =
      'query($n: Int) { venuePage(first: $n) { ...Page } } fragment Page on VenueConnection { edges { node { id } } }';
    assert.equal(measure(paged, { n: 3 }).cost, 1 + 1 + 3 * 2);
    assert.equal(measure(paged, {}).cost, 1 + 1 + 20 * 2);
  });

  it('counts aliases inside fragments at every spread', () => {
    const query = `{ city(code: "1") { ...A ...A ...A } } fragment A on City { a: code b: name c: code d: name e: code f: name g: code h: name i: code j: name k: code }`;
    assert.equal(measure(query).aliases, 33);
    assert.equal(codeOf(query), 'ALIAS_LIMIT_EXCEEDED');
  });

  it('refuses repeated directives with DIRECTIVE_LIMIT_EXCEEDED', () => {
    const many = Array.from({ length: 60 }, () => '@include(if: true)').join(' ');
    assert.equal(codeOf(`{ cities ${many} { code } }`), 'DIRECTIVE_LIMIT_EXCEEDED');
    assert.equal(codeOf(`{ cities @include(if: true) { code @skip(if: false) } }`), null);
  });

  it('refuses one field repeated in a selection, directly or through fragments, with FIELD_REPEAT_LIMIT_EXCEEDED', () => {
    const many = (n: number, each: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => each(i)).join(' ');
    assert.equal(codeOf(`{ ${many(21, () => 'city(code: "1") { code }')} }`), 'FIELD_REPEAT_LIMIT_EXCEEDED');
    assert.equal(
      codeOf(`{ ${many(21, () => '... on Query { city(code: "1") { code } }')} }`),
      'FIELD_REPEAT_LIMIT_EXCEEDED',
    );
    const fragments = many(21, (i) => `fragment F${i} on Query { city(code: "1") { code } }`);
    assert.equal(codeOf(`{ ${many(21, (i) => `...F${i}`)} } ${fragments}`), 'FIELD_REPEAT_LIMIT_EXCEEDED');
    // The same fragment spread many times merges once, as validation does.
    assert.equal(codeOf(`{ ${many(25, () => '...F0')} } ${fragments.split(' fragment ')[0]}`), null);
    assert.equal(codeOf(`{ ${many(20, () => 'city(code: "1") { code }')} }`), null);
  });

  it('introspection obeys a depth limit; the standard introspection query passes it', () => {
    let chain = 'name';
    for (let i = 0; i < 50; i++) chain = `ofType { ${chain} }`;
    assert.equal(codeOf(`{ __type(name: "City") { ${chain} } }`), 'DEPTH_LIMIT_EXCEEDED');
    const standard = checkDocument(schema, parse(getIntrospectionQuery()), limits);
    assert.equal(standard.error, null);
    assert.equal(measure(getIntrospectionQuery()).cost, 0, 'introspection is answered from memory');
  });

  it('checks every operation and fragment of a document, not only the one that runs', () => {
    let deep = 'code';
    for (let i = 0; i < 12; i++) deep = `city { ${deep} }`;
    const bomb = `query Ok { cities { code } } fragment Unused on Venue { ${deep} }`;
    assert.equal(codeOf(bomb), 'DEPTH_LIMIT_EXCEEDED');
    assert.equal(
      codeOf(`query Ok { cities { code } } query Deep { venues { ${deep} } }`),
      'DEPTH_LIMIT_EXCEEDED',
    );
  });

  it('a batch is limited as a whole: costs and aliases add up', () => {
    const one = measure('{ venues(first: 1000) { id name } a: cities { code } }');
    assert.equal(checkBatch([one], limits), null);
    assert.ok(one.cost < limits.maxCost);
    const batch = checkBatch(
      Array.from({ length: 3 }, () => one),
      limits,
    );
    assert.equal(batch?.extensions.code, 'COST_LIMIT_EXCEEDED');
    const aliased = measure(
      `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: cities { code }`).join(' ')} }`,
    );
    assert.equal(
      checkBatch([aliased, aliased], { ...limits, maxCost: 1e9 })?.extensions.code,
      'ALIAS_LIMIT_EXCEEDED',
    );
  });
});
