// The gateway's per-request Operation kept per document and API schema (router/src/operation-cache.ts,
// docs/decisions/0032): what is kept, what misses, and that the gateway really gets kept
// Operations — with results equal to the library's — and the call site the patch relies on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  cachedOperationFromDocument,
  installOperationCache,
  libraryOperationFromDocument,
  operationCacheInstalled,
  operationCacheStats,
} from '../../src/operation-cache.ts';
import { MIRRORED_GATEWAY_VERSION } from '../../src/result-shaping.ts';
import { DEFAULT_SUPERGRAPH } from '../../src/gateway.ts';
import { withoutSecurityPurpose } from '../../src/security.ts';

const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- federation-internals, untyped here
const fed = gatewayRequire('@apollo/federation-internals') as any;

const sdl = `
  type Query { venue(id: ID!): Venue venues: [Venue!]! }
  type Venue { id: ID! name: String! capacity: Int }
`;
const schema = fed.buildSchema(sdl);

/** The document the gateway's executor builds: the operation node, then the fragment nodes. */
function executorDocument(document: DocumentNode): DocumentNode {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
}

const QUERY = `query($id: ID!, $withName: Boolean!) {
  venue(id: $id) { ...V name @include(if: $withName) }
  venues { id }
}
fragment V on Venue { id capacity }`;

describe('operations kept per document and schema', () => {
  it('the executor’s call for the same document nodes and schema builds the Operation once', () => {
    const document = parse(QUERY);
    const first = cachedOperationFromDocument(schema, executorDocument(document), { validate: false });
    const again = cachedOperationFromDocument(schema, executorDocument(document), { validate: false });
    assert.equal(again, first);
    // The same Operation the library builds.
    assert.equal(
      String(first),
      String(libraryOperationFromDocument(schema, executorDocument(document), { validate: false })),
    );
  });

  it('another API schema (a reloaded supergraph) builds its own', () => {
    const document = parse(QUERY);
    const first = cachedOperationFromDocument(schema, executorDocument(document), { validate: false });
    const reloaded = fed.buildSchema(sdl);
    const other = cachedOperationFromDocument(reloaded, executorDocument(document), { validate: false });
    assert.notEqual(other, first);
    assert.equal(other.schema(), reloaded);
  });

  it('the same operation node with other fragment nodes builds its own', () => {
    const document = parse(QUERY);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const first = cachedOperationFromDocument(schema, executorDocument(document), { validate: false });
    const otherFragment = parse('fragment V on Venue { id name }').definitions[0]!;
    const other = cachedOperationFromDocument(
      schema,
      { kind: Kind.DOCUMENT, definitions: [operation, otherFragment] },
      { validate: false },
    );
    assert.notEqual(other, first);
    assert.match(String(other), /fragment V on Venue \{\s*id\s*name\s*\}/);
  });

  it('a parse of the same text (a document Apollo dropped and parsed again) builds its own', () => {
    const first = cachedOperationFromDocument(schema, executorDocument(parse(QUERY)), { validate: false });
    const second = cachedOperationFromDocument(schema, executorDocument(parse(QUERY)), { validate: false });
    assert.notEqual(second, first);
  });

  it('other calls (the planner’s, with validation or an operation name) go to the library each time', () => {
    const document = parse(QUERY);
    const a = cachedOperationFromDocument(schema, document);
    const b = cachedOperationFromDocument(schema, document);
    assert.notEqual(a, b);
    const named = parse('query Q { venues { id } }');
    assert.notEqual(
      cachedOperationFromDocument(schema, named, { operationName: 'Q', validate: false }),
      cachedOperationFromDocument(schema, named, { operationName: 'Q', validate: false }),
    );
  });

  it('a document the library refuses is refused each time and never kept', () => {
    const document = executorDocument(parse('{ venue(id: 1) { nope } }'));
    assert.throws(() => cachedOperationFromDocument(schema, document, { validate: false }));
    assert.throws(() => cachedOperationFromDocument(schema, document, { validate: false }));
  });
});

describe('kept operations in the gateway', () => {
  it('reads the installed @apollo/gateway version and its executor’s call site', () => {
    const { version } = gatewayRequire('@apollo/gateway/package.json') as { version: string };
    assert.equal(version, MIRRORED_GATEWAY_VERSION);
    const source = readFileSync(gatewayRequire.resolve('./executeQueryPlan.js'), 'utf8');
    assert.match(source, /operation = \(0, federation_internals_1\.operationFromDocument\)\(apiSchema, \{/);
    assert.match(
      source,
      /operationContext\.operation,\s*\.\.\.Object\.values\(operationContext\.fragments\),/,
    );
    assert.match(source, /\}, \{\s*validate: false,\s*\}\);/);
  });

  it('a query run twice through the gateway builds its Operation once, with the same results', async () => {
    installOperationCache();
    assert.ok(operationCacheInstalled());
    const gateway = new ApolloGateway({
      supergraphSdl: withoutSecurityPurpose(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')),
      buildService: () => ({
        process: async () => ({
          data: {
            venues: { edges: [{ node: { id: '1', name: 'Pool' } }, { node: { id: '2', name: 'Gym' } }] },
          },
        }),
      }),
    });
    const server = new ApolloServer({ gateway });
    await server.start();
    try {
      const query = 'query($named: Boolean!) { venues { edges { node { id name @include(if: $named) } } } }';
      const before = { ...operationCacheStats };
      const run = async (named: boolean) => {
        const response = await server.executeOperation({ query, variables: { named } });
        assert.equal(response.body.kind, 'single');
        return response.body.kind === 'single' ? response.body.singleResult : null;
      };
      const withNames = await run(true);
      const withoutNames = await run(false);
      const withNamesAgain = await run(true);
      assert.deepEqual(JSON.parse(JSON.stringify(withNames?.data)), {
        venues: { edges: [{ node: { id: '1', name: 'Pool' } }, { node: { id: '2', name: 'Gym' } }] },
      });
      // The kept Operation is shaped with each request's variables.
      assert.deepEqual(JSON.parse(JSON.stringify(withoutNames?.data)), {
        venues: { edges: [{ node: { id: '1' } }, { node: { id: '2' } }] },
      });
      assert.deepEqual(withNamesAgain, withNames);
      assert.equal(operationCacheStats.built - before.built, 1);
      assert.equal(operationCacheStats.reused - before.reused, 2);
    } finally {
      await server.stop();
    }
  });
});
