// Composes the four subgraph schemas into schema/supergraph.graphql with @apollo/composition
// (no network, no rover). `--check` exits 1 when the committed file is stale.
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
export const SUPERGRAPH_PATH = new URL('schema/supergraph.graphql', root);

/** Routing URLs baked into the supergraph are the local defaults; the router overrides them by env. */
const SUBGRAPHS = [
  { name: 'user', url: 'http://127.0.0.1:4001/graphql' },
  { name: 'venue', url: 'http://127.0.0.1:4002/graphql' },
  { name: 'social', url: 'http://127.0.0.1:4003/graphql' },
  { name: 'prediction', url: 'http://127.0.0.1:4004/graphql' },
];

export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map(({ name, url }) => ({
      name,
      url,
      typeDefs: parse(readFileSync(new URL(`subgraphs/${name}/schema.graphql`, root), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  try {
    const sdl = composeSupergraph();
    let committed = '';
    try {
      committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
    } catch {
      // missing file is simply stale
    }
    if (check) {
      if (committed !== sdl) {
        console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit the result');
        process.exit(1);
      }
      console.log('schema/supergraph.graphql is up to date');
    } else if (committed !== sdl) {
      writeFileSync(SUPERGRAPH_PATH, sdl);
      console.log('wrote schema/supergraph.graphql');
    } else {
      console.log('schema/supergraph.graphql unchanged');
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
