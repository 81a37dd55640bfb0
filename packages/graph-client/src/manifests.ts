// Node only: the persisted-document manifests on disk. Two kinds (docs/decisions/0035):
//  - generated: src/generated/<client>/persisted-documents.json, the documents the current build of
//    each client sends; rewritten by every generation, so an operation that changes loses its old
//    hash there;
//  - released: released/<client>.json, every document a shipped build of the client may still
//    send (an installed mini-program keeps its build for weeks). Generation adds to it and nothing
//    removes from it but an edit: the router trusts these.
import { readdirSync, readFileSync } from 'node:fs';

export const GENERATED_MANIFESTS = new URL('./generated/', import.meta.url);
export const RELEASED_MANIFESTS = new URL('../released/', import.meta.url);
const PREFIX = 'sha256:';

/** A manifest file's entries (`sha256:<hex>` → document text), or null when the file is absent. */
export function readManifest(file: URL): Record<string, string> | null {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return JSON.parse(raw) as Record<string, string>;
}

/** Client name → its generated manifest, for every client folder that has one. */
export function generatedManifests(dir: URL = GENERATED_MANIFESTS): Map<string, Record<string, string>> {
  const manifests = new Map<string, Record<string, string>>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const manifest = readManifest(new URL(`${entry.name}/persisted-documents.json`, dir));
    if (manifest) manifests.set(entry.name, manifest); // a client without operations yet has none
  }
  return manifests;
}

/** Client name → its released manifest. */
export function releasedManifests(dir: URL = RELEASED_MANIFESTS): Map<string, Record<string, string>> {
  const manifests = new Map<string, Record<string, string>>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    manifests.set(entry.name.slice(0, -'.json'.length), readManifest(new URL(entry.name, dir))!);
  }
  return manifests;
}

function merged(manifests: Map<string, Record<string, string>>): Map<string, string> {
  const documents = new Map<string, string>();
  for (const manifest of manifests.values()) {
    for (const [key, text] of Object.entries(manifest)) {
      documents.set(key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key, text);
    }
  }
  return documents;
}

/** Bare sha256 hex → document text: every client's released documents, what the router trusts. */
export function loadPersistedDocuments(dir: URL = RELEASED_MANIFESTS): Map<string, string> {
  return merged(releasedManifests(dir));
}

/** Bare sha256 hex → document text: what the current builds of the clients send. */
export function loadGeneratedDocuments(dir: URL = GENERATED_MANIFESTS): Map<string, string> {
  return merged(generatedManifests(dir));
}
