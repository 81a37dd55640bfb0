// Trusted documents (persisted operations): the clients' operations are generated with a manifest
// (packages/graph-client, sha256 → document). A request names its document by hash —
// `extensions.persistedQuery.sha256Hash` (the APQ shape) or `documentId` — and the router executes
// the manifest's text. When enforced (production by default) nothing else runs: an arbitrary
// query is refused before parsing, so only operations the clients were built with reach the graph.
import { GraphQLError } from 'graphql';
import { loadPersistedDocuments } from '@sport-venue/graph-client/manifests';

export type TrustedDocumentsMode = 'enforce' | 'off';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

interface Operation {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

const PREFIX = 'sha256:';

function hashOf(operation: Operation, extensions: Record<string, unknown> | null): string | null {
  const persisted = extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  const raw = typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : operation.documentId;
  if (typeof raw !== 'string' || raw === '') return null;
  return raw.startsWith(PREFIX) ? raw.slice(PREFIX.length) : raw;
}

function extensionsOf(operation: Operation): {
  value: Record<string, unknown> | null;
  fromQueryString: boolean;
} {
  const raw = operation.extensions;
  if (typeof raw === 'string') {
    // A GET carries its extensions as JSON in the query string.
    try {
      const parsed = JSON.parse(raw) as unknown;
      return {
        value: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null,
        fromQueryString: true,
      };
    } catch {
      return { value: null, fromQueryString: true };
    }
  }
  return {
    value: raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : null,
    fromQueryString: false,
  };
}

export function createTrustedDocuments(
  mode: TrustedDocumentsMode,
  documents: Map<string, string> = loadPersistedDocuments(),
) {
  const notTrusted = (message: string): Refusal => ({
    status: 400,
    code: 'PERSISTED_QUERY_NOT_FOUND',
    message,
  });

  /**
   * For one HTTP operation, before Apollo parses it: a known hash gets the manifest's text as its
   * query (the APQ extension is dropped, Apollo's own APQ cache is not involved); an unknown hash
   * or a bare query is refused when enforced. Mutates the parsed POST body it is given.
   */
  function prepare(operation: Operation): Refusal | null {
    const extensions = extensionsOf(operation);
    const hash = hashOf(operation, extensions.value);
    if (hash === null) {
      return mode === 'enforce'
        ? notTrusted('only trusted documents are accepted: send the document hash')
        : null;
    }
    const text = documents.get(hash);
    if (text === undefined) {
      // In development an unknown hash is an ordinary APQ request: Apollo registers or looks it up.
      return mode === 'enforce' ? notTrusted(`no trusted document has the hash ${hash}`) : null;
    }
    if (extensions.fromQueryString) {
      // A GET's query string cannot be rewritten here: it must carry the manifest's text itself.
      return operation.query === text || mode === 'off'
        ? null
        : notTrusted('a GET must carry the trusted document text; POST the hash alone');
    }
    operation.query = text;
    delete operation.documentId;
    if (extensions.value) delete extensions.value.persistedQuery;
    return null;
  }

  /** The document to run for a graphql-ws subscribe payload, or the error to answer with. */
  function resolveSubscribe(payload: Operation): string | GraphQLError {
    const hash = hashOf(payload, extensionsOf(payload).value);
    const text = hash === null ? undefined : documents.get(hash);
    if (text !== undefined) return text;
    if (mode === 'off' && typeof payload.query === 'string' && payload.query !== '') return payload.query;
    return new GraphQLError(
      hash === null
        ? 'only trusted documents are accepted: send the document hash'
        : `no trusted document has the hash ${hash}`,
      { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    );
  }

  return { mode, size: documents.size, prepare, resolveSubscribe };
}

export type TrustedDocuments = ReturnType<typeof createTrustedDocuments>;
