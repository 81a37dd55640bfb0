// Thousands of clients subscribe with the same few documents. Parsing and validating each copy
// costs CPU at subscribe time and keeps one syntax tree per subscription alive for its lifetime;
// identical query texts share one parsed and validated document instead (per schema: a reloaded
// schema starts a new cache). Bounded: the least recently used entries go first.
import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';

interface Entry {
  document: DocumentNode;
  /**
   * Validation errors against the schema (empty: valid), computed on first call and kept: callers
   * apply the linear-time limits first, since validating a hostile document is not linear.
   */
  errors(): readonly GraphQLError[];
}

export function createDocumentCache(maxEntries = 500) {
  let schemaOf: GraphQLSchema | null = null;
  const entries = new Map<string, Entry>();
  return {
    /** Parses `query` (throws a GraphQLError for a malformed query); validation waits for errors(). */
    get(schema: GraphQLSchema, query: string, maxTokens: number): Entry {
      if (schema !== schemaOf) {
        schemaOf = schema;
        entries.clear();
      }
      const hit = entries.get(query);
      if (hit) {
        entries.delete(query); // re-inserted: most recently used last
        entries.set(query, hit);
        return hit;
      }
      const document = parse(query, { maxTokens });
      let errors: readonly GraphQLError[] | undefined;
      const entry = { document, errors: () => (errors ??= validate(schema, document)) };
      entries.set(query, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return entry;
    },
  };
}
