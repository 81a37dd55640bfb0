// What the router checks on an HTTP request before Apollo parses, validates or plans anything:
// the persisted-query extension, the token count (before parsing), then depth, aliases,
// directives and cost of every document in one linear pass — per operation, and summed over a
// batch. A refusal here costs microseconds however the document fans out, so a bomb cannot keep
// the event loop (and every other client) waiting. The guard plugin checks the resolved operation
// again after validation (the same linear measure), which also covers the WebSocket path.
import type { GraphQLSchema } from 'graphql';
import { checkBatch, exceedsTokenLimit, LimitCode, type Limits, type Measure } from './limits.ts';
import type { LimitsCache } from './limits-cache.ts';
import type { PersistedQueries } from './persisted-queries.ts';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** GET carries variables and extensions as JSON in the query string. */
function objectOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined; // Apollo answers the malformed parameter itself
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function createPreflight(opts: {
  limits: Limits;
  /** The API schema; null before the supergraph is loaded (nothing is measured then). */
  schema: () => GraphQLSchema | null;
  persistedQueries: PersistedQueries;
  /** Verdicts per document text that do not depend on variables (limits-cache.ts). */
  cache: LimitsCache;
}) {
  const { limits } = opts;
  return async function preflight(
    operations: ReadonlyArray<Record<string, unknown>>,
  ): Promise<Refusal | null> {
    const measures: Measure[] = [];
    for (const operation of operations) {
      const extensions = objectOf(operation.extensions);
      const resolved = await opts.persistedQueries.resolve({ query: operation.query, extensions });
      if ('refusal' in resolved) return resolved.refusal;
      const { query } = resolved;
      if (query === null) continue; // no query (or an unknown hash): Apollo answers that
      // Counting tokens is far cheaper than parsing; a query shorter than the limit is not even lexed.
      if (exceedsTokenLimit(query, limits.maxTokens))
        return {
          status: 400,
          code: LimitCode.TOKENS,
          message: `the query has more than ${limits.maxTokens} tokens`,
        };
      const schema = opts.schema();
      if (!schema) continue;
      const operationName = typeof operation.operationName === 'string' ? operation.operationName : null;
      // null: a syntax error, which Apollo reports with its position.
      const checked = opts.cache.checkText(schema, query, operationName, objectOf(operation.variables) ?? {});
      if (!checked) continue;
      if (checked.error)
        return { status: 400, code: String(checked.error.extensions.code), message: checked.error.message };
      if (checked.selected) measures.push(checked.selected);
    }
    const batch = checkBatch(measures, limits);
    return batch ? { status: 400, code: String(batch.extensions.code), message: batch.message } : null;
  };
}
