import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildSchema, parse, validate } from 'graphql';
import * as consoleDocuments from '@sport-venue/graph-client/console';
import { loadGeneratedDocuments, loadPersistedDocuments, releasedManifests } from '../src/manifests.ts';
import { documentHash } from '../src/persisted.ts';

const run = promisify(execFile);
const cwd = new URL('..', import.meta.url);

test('the API schema, the typed documents and the released manifests are up to date with the supergraph and the operations', async () => {
  // Each exits 1 (and the test fails) when schema/api.graphql, src/generated/** or released/*
  // would change.
  await run(process.execPath, ['scripts/api-schema.ts', '--check'], { cwd });
  await run(
    process.execPath,
    ['../../node_modules/@graphql-codegen/cli/esm/bin.js', '--config', 'codegen.ts', '--check'],
    {
      cwd,
    },
  );
  await run(process.execPath, ['scripts/release-documents.ts', '--check'], { cwd });
});

test('every manifest entry, generated or released, is keyed by the sha256 of its document text', () => {
  for (const documents of [loadGeneratedDocuments(), loadPersistedDocuments()]) {
    assert.ok(documents.size > 0);
    for (const [hash, text] of documents) {
      assert.equal(createHash('sha256').update(text).digest('hex'), hash, text.slice(0, 60));
    }
  }
});

test('every released document still validates against the API schema, so installed clients keep working', () => {
  // A schema change that breaks a document some installed build still sends fails here: keep
  // (deprecate) what it uses, or retire the document from released/<client>.json once no
  // supported build sends it (docs/decisions/0035).
  const schema = buildSchema(readFileSync(new URL('../schema/api.graphql', import.meta.url), 'utf8'));
  for (const [client, manifest] of releasedManifests()) {
    for (const [key, text] of Object.entries(manifest)) {
      const errors = validate(schema, parse(text));
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
        `released/${client}.json ${key} (${text.slice(0, 40)}…)`,
      );
    }
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
