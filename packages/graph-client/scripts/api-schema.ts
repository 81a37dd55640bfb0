// Writes schema/api.graphql: the API schema of schema/supergraph.graphql, i.e. what a client of the
// router can query (federation directives gone, @inaccessible types and fields removed). Client
// operations are generated and validated against it. `--check` exits 1 when the file is stale.
import { Supergraph } from '@apollo/federation-internals';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';

const repo = new URL('../../../', import.meta.url);
export const SUPERGRAPH = new URL('schema/supergraph.graphql', repo);
export const API_SCHEMA = new URL('../schema/api.graphql', import.meta.url);

export function apiSchemaSdl(supergraphSdl: string): string {
  const api = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
  const header =
    '# Generated from schema/supergraph.graphql by packages/graph-client/scripts/api-schema.ts.\n';
  return `${header}${printSchema(lexicographicSortSchema(api))}\n`;
}

if (import.meta.main) {
  const sdl = apiSchemaSdl(readFileSync(SUPERGRAPH, 'utf8'));
  let committed = '';
  try {
    committed = readFileSync(API_SCHEMA, 'utf8');
  } catch {
    // a missing file is simply stale
  }
  if (process.argv.includes('--check')) {
    if (committed !== sdl) {
      console.error(
        'packages/graph-client/schema/api.graphql is stale: run `npm run generate -w @sport-venue/graph-client`',
      );
      process.exit(1);
    }
  } else if (committed !== sdl) {
    writeFileSync(API_SCHEMA, sdl);
    console.log('wrote packages/graph-client/schema/api.graphql');
  }
}
