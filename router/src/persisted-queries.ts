// Automatic persisted queries (APQ, Apollo's protocol): a client sends only
// `extensions.persistedQuery { version: 1, sha256Hash }`; the router serves the query registered
// under that hash, or answers PERSISTED_QUERY_NOT_FOUND with HTTP 200 (what Apollo clients expect
// before they resend the hash with its query, which registers it). Apollo Server runs the protocol
// with the cache made here, and registers a query only once it passed validation and the router's
// guard. This module checks the extension before Apollo does — a wrong version or a hash that is
// not the query's is the client's mistake: 400 with its own code — and resolves a hash to its
// query so the limits can measure a hash-only request before anything else runs.
// (Trusted documents, a persisted manifest only, would be a module of their own beside this one.)
import { createHash } from 'node:crypto';

export const ApqCode = {
  NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  VERSION_NOT_SUPPORTED: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED',
  HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  INVALID: 'PERSISTED_QUERY_INVALID',
} as const;

export interface ApqRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * Apollo's KeyValueCache: queries by hash, least recently used dropped first, bounded by the
 * total length of the queries it holds (one router's memory; a miss costs a client one resend).
 */
export class QueryCache {
  readonly #entries = new Map<string, string>();
  readonly #maxChars: number;
  #chars = 0;

  constructor(maxChars = 20_000_000) {
    this.#maxChars = maxChars;
  }

  async get(key: string): Promise<string | undefined> {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.delete(key);
    if (value.length > this.#maxChars) return;
    this.#entries.set(key, value);
    this.#chars += value.length;
    for (const [oldest, text] of this.#entries) {
      if (this.#chars <= this.#maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= text.length;
    }
  }

  async delete(key: string): Promise<boolean> {
    const value = this.#entries.get(key);
    if (value === undefined) return false;
    this.#entries.delete(key);
    this.#chars -= value.length;
    return true;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function createPersistedQueries(cache = new QueryCache()) {
  return {
    /** For ApolloServer's `persistedQueries` option. */
    apollo: { cache },
    /**
     * The query text an operation stands for: its own `query`, or the one registered for its hash
     * (null on a miss: Apollo answers it). A refusal when the extension is malformed.
     */
    async resolve(operation: {
      query?: unknown;
      extensions?: unknown;
    }): Promise<{ query: string | null } | { refusal: ApqRefusal }> {
      const query = typeof operation.query === 'string' ? operation.query : null;
      const extensions = operation.extensions;
      if (!extensions || typeof extensions !== 'object' || !('persistedQuery' in extensions))
        return { query };
      const persisted = (extensions as { persistedQuery: unknown }).persistedQuery;
      if (!persisted || typeof persisted !== 'object')
        return { refusal: refuse(ApqCode.INVALID, 'extensions.persistedQuery must be an object') };
      const { version, sha256Hash } = persisted as { version?: unknown; sha256Hash?: unknown };
      if (version !== 1)
        return {
          refusal: refuse(
            ApqCode.VERSION_NOT_SUPPORTED,
            `persisted query version ${JSON.stringify(version)} is not supported; use 1`,
          ),
        };
      if (typeof sha256Hash !== 'string')
        return { refusal: refuse(ApqCode.INVALID, 'extensions.persistedQuery.sha256Hash must be a string') };
      if (query !== null) {
        if (sha256(query) !== sha256Hash)
          return { refusal: refuse(ApqCode.HASH_MISMATCH, 'sha256Hash is not the SHA-256 of the query') };
        return { query };
      }
      return { query: (await cache.get(sha256Hash)) ?? null };
    },
  };
}

const refuse = (code: string, message: string): ApqRefusal => ({ status: 400, code, message });

export type PersistedQueries = ReturnType<typeof createPersistedQueries>;
