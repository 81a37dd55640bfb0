// The limits' verdicts remembered per document (docs/decisions/0027): reused only where they
// cannot differ, never across schemas, never for a measure that read a variable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { createLimitsCache } from '../../src/limits-cache.ts';
import type { Limits } from '../../src/limits.ts';

const limits: Limits = {
  maxTokens: 1_000,
  maxDepth: 5,
  maxIntrospectionDepth: 15,
  maxAliases: 5,
  maxDirectives: 5,
  maxFieldRepeats: 5,
  maxCost: 100,
  defaultListSize: 10,
};

const listSchema = () =>
  buildSchema(`type Query { items(first: Int): [Item!]! } type Item { a: Int b: Int }`);

const operationOf = (document: ReturnType<typeof parse>) =>
  document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;

const code = (result: { error: { extensions: { code?: unknown } } | null } | null) =>
  result?.error ? String(result.error.extensions.code) : 'ok';

describe('limits cache', () => {
  it('never lets a variable-dependent over-limit request through after an allowed one', () => {
    const cache = createLimitsCache(limits);
    const schema = listSchema();
    const query = 'query Page($n: Int) { items(first: $n) { a b } }';
    assert.equal(code(cache.checkText(schema, query, null, { n: 5 })), 'ok');
    assert.equal(code(cache.checkText(schema, query, null, { n: 1_000 })), 'COST_LIMIT_EXCEEDED');
    assert.equal(code(cache.checkText(schema, query, null, { n: 5 })), 'ok');
    // The same after validation, on the parsed document Apollo reuses.
    const document = parse(query);
    const operation = operationOf(document);
    assert.equal(cache.checkOperation(schema, document, operation, { n: 5 }), null);
    assert.equal(
      cache.checkOperation(schema, document, operation, { n: 1_000 })?.extensions.code,
      'COST_LIMIT_EXCEEDED',
    );
  });

  it('gives the same verdict from memory as measured, for allowed and refused documents', () => {
    const cache = createLimitsCache(limits);
    const schema = listSchema();
    const ok = '{ items(first: 5) { a b } }';
    const over = '{ items(first: 50) { a b } }';
    const first = cache.checkText(schema, ok, null, {});
    const again = cache.checkText(schema, ok, null, {});
    assert.deepEqual(again, first);
    assert.equal(first?.error, null);
    assert.equal(first?.error === null && first.selected?.cost, 11); // 1 + 5 × (a + b)
    const refused = cache.checkText(schema, over, null, {});
    const refusedAgain = cache.checkText(schema, over, null, {});
    assert.equal(code(refusedAgain), 'COST_LIMIT_EXCEEDED');
    assert.equal(refusedAgain?.error?.message, refused?.error?.message);
    assert.notEqual(refusedAgain?.error, refused?.error, 'each request gets its own error object');
  });

  it('does not reuse a verdict under a new schema (a reloaded supergraph)', () => {
    const cache = createLimitsCache(limits);
    const query = '{ items(first: 50) { a b } }';
    const before = buildSchema(`type Query { items(first: Int): Item } type Item { a: Int b: Int }`);
    const after = listSchema(); // `items` became a list: the same document now costs 101
    assert.equal(code(cache.checkText(before, query, null, {})), 'ok');
    assert.equal(code(cache.checkText(after, query, null, {})), 'COST_LIMIT_EXCEEDED');
    const document = parse(query);
    assert.equal(cache.checkOperation(before, document, operationOf(document), {}), null);
    assert.equal(
      cache.checkOperation(after, document, operationOf(document), {})?.extensions.code,
      'COST_LIMIT_EXCEEDED',
    );
  });

  it('keys a verdict by operation name as well as text', () => {
    const cache = createLimitsCache(limits);
    const schema = listSchema();
    const query = 'query Small { items(first: 1) { a } } query Big { items(first: 99) { a b } }';
    // The whole document is measured whichever operation runs: both refused.
    assert.equal(code(cache.checkText(schema, query, 'Small', {})), 'COST_LIMIT_EXCEEDED');
    const document = parse(query);
    const [small, big] = document.definitions as OperationDefinitionNode[];
    assert.equal(cache.checkOperation(schema, document, small!, {}), null);
    assert.equal(cache.checkOperation(schema, document, big!, {})?.extensions.code, 'COST_LIMIT_EXCEEDED');
    assert.equal(cache.checkOperation(schema, document, small!, {}), null);
  });

  it('does not let a name and text borrow the verdict of another pair they spell the same with', () => {
    const cache = createLimitsCache(limits);
    const schema = listSchema();
    // In `cheap` the bomb sits inside a block string (a variable's default); alone, its tail is a comment.
    const bomb = '{ items(first: 99) { a b } } # """) { items(first: 1) { a } }';
    const head = 'query Q($s: String = """';
    const cheap = `${head}\n${bomb}`;
    assert.equal(code(cache.checkText(schema, cheap, 'a', {})), 'ok');
    assert.equal(code(cache.checkText(schema, bomb, `a\n${head}`, {})), 'COST_LIMIT_EXCEEDED');
  });

  it('leaves a syntax error to Apollo, also when it is sent again', () => {
    const cache = createLimitsCache(limits);
    const schema = listSchema();
    assert.equal(cache.checkText(schema, '{ items(first: 5) { a ', null, {}), null);
    assert.equal(cache.checkText(schema, '{ items(first: 5) { a ', null, {}), null);
  });

  it('keeps a bounded number of documents and still answers for the ones it dropped', () => {
    const cache = createLimitsCache(limits, { maxEntries: 2, maxChars: 1_000 });
    const schema = listSchema();
    const texts = [1, 2, 3, 4].map((n) => `{ items(first: ${n * 30}) { a b } }`);
    const verdicts = texts.map((t) => code(cache.checkText(schema, t, null, {})));
    assert.deepEqual(verdicts, ['ok', 'COST_LIMIT_EXCEEDED', 'COST_LIMIT_EXCEEDED', 'COST_LIMIT_EXCEEDED']);
    assert.deepEqual(
      texts.map((t) => code(cache.checkText(schema, t, null, {}))),
      verdicts,
    );
    assert.equal(cache.kept(schema).documents, 2);
  });

  it('counts a kept parse (a document that reads a variable) far heavier than its text', () => {
    const cache = createLimitsCache(limits, { maxEntries: 100, maxChars: 1_000 });
    const schema = listSchema();
    const fixed = '{ items(first: 5) { a b } }';
    const variable = 'query($n: Int) { items(first: $n) { a b } }';
    cache.checkText(schema, fixed, null, {});
    // Keys carry a one-character prefix when the operation has no name.
    assert.deepEqual(cache.kept(schema), { documents: 1, weight: fixed.length + 1 });
    cache.checkText(schema, variable, null, { n: 5 });
    assert.deepEqual(cache.kept(schema), {
      documents: 2,
      weight: fixed.length + 1 + (variable.length + 1) * 16,
    });
  });
});
