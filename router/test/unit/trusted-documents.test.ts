// The router trusts the released manifests (docs/decisions/0035): a build of a client that is
// already installed keeps working after the client's operations change.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadGeneratedDocuments, loadPersistedDocuments } from '@sport-venue/graph-client/manifests';
import { releaseDocuments } from '@sport-venue/graph-client/release';
import { createTrustedDocuments } from '../../src/trusted-documents.ts';

const hex = (text: string) => createHash('sha256').update(text).digest('hex');
const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

describe('trusted documents', () => {
  it('run what an installed build sends after the operation changed in the next build', () => {
    const root = mkdtempSync(join(tmpdir(), 'trusted-'));
    const generated = pathToFileURL(join(root, 'generated') + '/');
    const released = pathToFileURL(join(root, 'released') + '/');
    mkdirSync(new URL('miniprogram/', generated), { recursive: true });
    mkdirSync(released);
    const build = (text: string) => {
      writeFileSync(
        new URL('miniprogram/persisted-documents.json', generated),
        JSON.stringify({ [`sha256:${hex(text)}`]: text }),
      );
      releaseDocuments({ generated, released });
    };
    const old = 'query MpMe { me { id } }';
    const next = 'query MpMe { me { id nickname } }';
    build(old);
    build(next);

    const trusted = createTrustedDocuments('enforce', loadPersistedDocuments(released));
    for (const text of [old, next]) {
      const operation: Record<string, unknown> = byHash(hex(text));
      assert.equal(trusted.prepare(operation), null);
      assert.equal(operation.query, text);
    }
    assert.equal(
      trusted.prepare(byHash(hex('query MpMe { me { roles } }')))?.code,
      'PERSISTED_QUERY_NOT_FOUND',
    );
  });

  it('by default trust the released manifests, which hold every generated document', () => {
    const trusted = createTrustedDocuments('enforce');
    const released = loadPersistedDocuments();
    assert.equal(trusted.size, released.size);
    for (const [hash, text] of loadGeneratedDocuments()) {
      assert.equal(released.get(hash), text);
      const operation: Record<string, unknown> = byHash(hash);
      assert.equal(trusted.prepare(operation), null);
    }
  });
});
