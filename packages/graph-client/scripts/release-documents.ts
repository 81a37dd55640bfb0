// Adds every generated persisted document to its client's released manifest
// (released/<client>.json), which the router trusts: a build of a client that is already installed
// keeps working after its operations change (docs/decisions/0035). Never removes an entry; retiring
// documents no supported build sends any more is a reviewed edit of that file.
// `--check` writes nothing and exits 1, naming them, when generated documents are not released.
import { writeFileSync } from 'node:fs';
import {
  GENERATED_MANIFESTS,
  generatedManifests,
  readManifest,
  RELEASED_MANIFESTS,
} from '../src/manifests.ts';

export interface Release {
  /** Per client, the manifest keys the release adds (or would add). */
  added: Map<string, string[]>;
}

/** Sorted keys, so a release's diff shows only what it adds. */
const sortedManifest = (manifest: Record<string, string>) =>
  `${JSON.stringify(Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`;

export function releaseDocuments({
  generated = GENERATED_MANIFESTS,
  released = RELEASED_MANIFESTS,
  write = true,
}: { generated?: URL; released?: URL; write?: boolean } = {}): Release {
  const added = new Map<string, string[]>();
  for (const [client, manifest] of generatedManifests(generated)) {
    const file = new URL(`${client}.json`, released);
    const entries = readManifest(file) ?? {};
    const fresh: string[] = [];
    for (const [key, text] of Object.entries(manifest)) {
      const known = entries[key];
      if (known === undefined) {
        entries[key] = text;
        fresh.push(key);
      } else if (known !== text) {
        // Keys are sha256 of the text: a different text under one key is a damaged file.
        throw new Error(`${file.pathname}: ${key} holds another document than the generated one`);
      }
    }
    if (fresh.length === 0) continue;
    added.set(client, fresh);
    if (write) writeFileSync(file, sortedManifest(entries));
  }
  return { added };
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const { added } = releaseDocuments({ write: !check });
  for (const [client, keys] of added) {
    console.error(
      check
        ? `packages/graph-client/released/${client}.json lacks ${keys.length} generated document(s): run \`npm run generate -w @sport-venue/graph-client\``
        : `released ${keys.length} document(s) of ${client}`,
    );
  }
  if (check && added.size > 0) process.exit(1);
}
