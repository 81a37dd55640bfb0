import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import * as consoleDocuments from '@sport-venue/graph-client/console';
import { loadPersistedDocuments } from '../src/manifests.ts';
import { documentHash } from '../src/persisted.ts';

const run = promisify(execFile);
const cwd = new URL('..', import.meta.url);

test('the API schema and the typed documents are up to date with the supergraph and the operations', async () => {
  // Exits 1 (and the test fails) when schema/api.graphql or src/generated/** would change.
  await run(process.execPath, ['scripts/api-schema.ts', '--check'], { cwd });
  await run(
    process.execPath,
    ['../../node_modules/@graphql-codegen/cli/esm/bin.js', '--config', 'codegen.ts', '--check'],
    {
      cwd,
    },
  );
});

test('every manifest entry is keyed by the sha256 of its document text', () => {
  const documents = loadPersistedDocuments();
  assert.ok(documents.size > 0);
  for (const [hash, text] of documents) {
    assert.equal(createHash('sha256').update(text).digest('hex'), hash, text.slice(0, 60));
  }
});

test('every generated console operation is in the manifest under the hash it carries', () => {
  const documents = loadPersistedDocuments();
  const operations = Object.entries(consoleDocuments).filter(
    ([name, value]) => name.endsWith('Document') && typeof value === 'object',
  );
  assert.ok(operations.length >= 5);
  for (const [name, document] of operations) {
    assert.ok(documents.has(documentHash(document)), `${name} is missing from the manifest`);
  }
});
