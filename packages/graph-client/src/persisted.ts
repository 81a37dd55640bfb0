// Trusted documents: every operation a client sends is identified by the sha256 of its document,
// generated with the typed documents (src/generated/<client>/persisted-documents.json). In
// production the router executes only documents of those manifests, looked up by this hash.

/** A generated document: GraphQL Code Generator embeds the manifest hash as `__meta__.hash`. */
export interface PersistedDocument {
  readonly __meta__?: { readonly hash?: string };
}

const PREFIX = 'sha256:';

/** The bare hex sha256 of a generated document (the manifest key without its `sha256:` prefix). */
export function documentHash(document: unknown): string {
  const hash = (document as PersistedDocument | null)?.__meta__?.hash;
  if (typeof hash !== 'string' || hash === '') {
    throw new Error(
      'not a generated document: it carries no __meta__.hash (import it from @sport-venue/graph-client)',
    );
  }
  return hash.startsWith(PREFIX) ? hash.slice(PREFIX.length) : hash;
}

export interface PersistedRequest {
  operationName?: string;
  variables: Record<string, unknown>;
  extensions: { persistedQuery: { version: 1; sha256Hash: string } };
}

/**
 * The body of an HTTP request (or the payload of a graphql-ws subscribe message, with `query: ''`)
 * that names the document by hash only: the router substitutes the manifest's text.
 */
export function persistedRequest(
  document: unknown,
  variables: Record<string, unknown> = {},
  operationName?: string,
): PersistedRequest {
  return {
    ...(operationName ? { operationName } : {}),
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(document) } },
  };
}
