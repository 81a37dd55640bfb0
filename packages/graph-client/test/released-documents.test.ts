// The released manifests (docs/decisions/0035): what an installed build of a client sends stays
// trusted after the client's operations change, until the entry is retired by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadGeneratedDocuments, loadPersistedDocuments } from '../src/manifests.ts';
import { releaseDocuments } from '../scripts/release-documents.ts';

const hex = (text: string) => createHash('sha256').update(text).digest('hex');
const V1 = 'query MpVenue($id: ID!) { venue(id: $id) { id name } }';
const V2 = 'query MpVenue($id: ID!) { venue(id: $id) { id name capacity } }';
const CONSOLE = 'query ConsoleCities { cities { code } }';

/** A generated tree and a released folder in a temporary directory. */
function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'released-documents-'));
  const generated = pathToFileURL(join(root, 'generated') + '/');
  const released = pathToFileURL(join(root, 'released') + '/');
  mkdirSync(released);
  const generate = (client: string, texts: string[]) => {
    mkdirSync(new URL(`${client}/`, generated), { recursive: true });
    const manifest = Object.fromEntries(texts.map((text) => [`sha256:${hex(text)}`, text]));
    writeFileSync(new URL(`${client}/persisted-documents.json`, generated), JSON.stringify(manifest));
  };
  return { generated, released, generate };
}

describe('released manifests', () => {
  it('keep the document an earlier build sends after the operation changes', () => {
    const { generated, released, generate } = workspace();
    generate('miniprogram', [V1]);
    generate('console', [CONSOLE]);
    releaseDocuments({ generated, released });
    generate('miniprogram', [V2]);
    const { added } = releaseDocuments({ generated, released });

    assert.deepEqual([...added], [['miniprogram', [`sha256:${hex(V2)}`]]]);
    assert.deepEqual(
      [...loadGeneratedDocuments(generated).keys()].sort(),
      [hex(CONSOLE), hex(V2)].sort(),
      'the generated manifest holds the current build only',
    );
    const trusted = loadPersistedDocuments(released);
    assert.equal(trusted.get(hex(V1)), V1);
    assert.equal(trusted.get(hex(V2)), V2);
    assert.equal(trusted.get(hex(CONSOLE)), CONSOLE);
    assert.equal(trusted.size, 3);
  });

  it('write nothing when every generated document is released already', () => {
    const { generated, released, generate } = workspace();
    generate('miniprogram', [V1, V2]);
    releaseDocuments({ generated, released });
    const file = new URL('miniprogram.json', released);
    const [before, text] = [statSync(file).mtimeMs, readFileSync(file, 'utf8')];
    const { added } = releaseDocuments({ generated, released });
    assert.equal(added.size, 0);
    assert.equal(statSync(file).mtimeMs, before);
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.deepEqual(
      Object.keys(JSON.parse(text) as object),
      [`sha256:${hex(V1)}`, `sha256:${hex(V2)}`].sort(),
    );
  });

  it('in check mode, name what is not released and write nothing', () => {
    const { generated, released, generate } = workspace();
    generate('miniprogram', [V1]);
    const { added } = releaseDocuments({ generated, released, write: false });
    assert.deepEqual([...added], [['miniprogram', [`sha256:${hex(V1)}`]]]);
    assert.equal(loadPersistedDocuments(released).size, 0);
  });

  it('refuse a released entry whose text is not the document its key names', () => {
    const { generated, released, generate } = workspace();
    generate('miniprogram', [V1]);
    writeFileSync(new URL('miniprogram.json', released), JSON.stringify({ [`sha256:${hex(V1)}`]: V2 }));
    assert.throws(() => releaseDocuments({ generated, released }), /holds another document/);
  });
});
