// Node only (the router): every client's persisted-document manifest, merged.
import { readdirSync, readFileSync } from 'node:fs';

const GENERATED = new URL('./generated/', import.meta.url);
const PREFIX = 'sha256:';

/** Bare sha256 hex → document text, from src/generated/<client>/persisted-documents.json. */
export function loadPersistedDocuments(dir: URL = GENERATED): Map<string, string> {
  const documents = new Map<string, string>();
  for (const client of readdirSync(dir, { withFileTypes: true })) {
    if (!client.isDirectory()) continue;
    let raw: string;
    try {
      raw = readFileSync(new URL(`${client.name}/persisted-documents.json`, dir), 'utf8');
    } catch {
      continue; // a client without operations yet
    }
    for (const [key, text] of Object.entries(JSON.parse(raw) as Record<string, string>)) {
      documents.set(key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key, text);
    }
  }
  return documents;
}
