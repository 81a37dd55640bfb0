import type { CodegenConfig } from '@graphql-codegen/cli';
import { readdirSync } from 'node:fs';

// One generation per client (src/operations/<client>/*.graphql → src/generated/<client>/): each
// client imports only its own documents, and each folder carries the persisted-document manifest
// (hash → document) the router trusts in production. A client folder without operations yet is
// skipped.
const operations = new URL('./src/operations/', import.meta.url);
const clients = readdirSync(operations, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .filter((name) => readdirSync(new URL(`${name}/`, operations)).some((f) => f.endsWith('.graphql')))
  .sort();

const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  schema: 'schema/api.graphql',
  generates: Object.fromEntries(
    clients.map((client) => [
      `src/generated/${client}/`,
      {
        documents: [`src/operations/${client}/*.graphql`],
        preset: 'client',
        presetConfig: {
          fragmentMasking: false,
          gqlTagName: 'graphql',
          // sha256 of the printed document: the hash the router looks up
          // (extensions.persistedQuery.sha256Hash), the same one APQ clients compute.
          persistedDocuments: { hashAlgorithm: 'sha256', mode: 'embedHashInDocument' },
        },
        config: {
          useTypeImports: true,
          enumsAsTypes: true,
          importExtension: '.ts',
          scalars: { ID: 'string' },
          avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        },
      },
    ]),
  ),
};

export default config;
