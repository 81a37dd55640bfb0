// The gateway's per-request Operation, built once per document and API schema.
//
// To execute a query plan the gateway turns the client's operation into federation-internals'
// `Operation` for every request (executeQueryPlan.js: `operationFromDocument(apiSchema,
// { definitions: [operation, ...fragments] }, { validate: false })`): ~2 % of the router's busy
// CPU on a check-in, plus ~1 % in result shaping, whose per-selection memo (result-shaping.ts)
// lives as long as that Operation. The nodes it is built from are those of Apollo Server's parsed
// and validated document, one object per document text for as long as Apollo's document store
// keeps it, so the Operation built from them is the same every time: nothing in it depends on
// the request (variables are read from each request when the plan runs and when the result is
// shaped; @skip/@include `if` values too — result-shaping.ts evaluates them per call).
//
// This module wraps federation-internals' exported `operationFromDocument` (the gateway reads the
// export at each call) and keeps, per operation node, the Operation built for one API schema and
// one list of fragment nodes; any other call (the planner's, with validation, or another shape of
// document) goes to the library's function untouched. A new supergraph brings a new API schema
// object, which misses; a document Apollo's store drops takes its entry with it (a WeakMap on its
// nodes). Failures are not kept. The Operation is only read by execution and result shaping
// (variable definitions, selection sets), so requests can share it.
//
// A patch of a library module, isolated here and tested against the library
// (router/test/unit/operation-cache.test.ts): it fails when @apollo/gateway is not the version
// read (MIRRORED_GATEWAY_VERSION in result-shaping.ts) or the call site changed.
import { createRequire } from 'node:module';
import { Kind, type DefinitionNode, type DocumentNode } from 'graphql';

const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
const operationsModule = createRequire(gatewayRequire.resolve('@apollo/federation-internals'))(
  './operations.js',
) as { operationFromDocument: OperationFromDocument };

/* eslint-disable @typescript-eslint/no-explicit-any -- federation-internals' objects, typed loosely */
type OperationFromDocument = (schema: any, document: DocumentNode, options?: any) => any;

/** The library's own function, as loaded. */
export const libraryOperationFromDocument: OperationFromDocument = operationsModule.operationFromDocument;

interface Kept {
  schema: unknown;
  fragments: readonly DefinitionNode[];
  operation: unknown;
}

const kept = new WeakMap<DefinitionNode, Kept>();
/** Operations built and reused since start (tests, diagnostics). */
export const operationCacheStats = { built: 0, reused: 0 };

const sameNodes = (a: readonly DefinitionNode[], b: readonly DefinitionNode[]) =>
  a.length === b.length && a.every((node, i) => node === b[i]);

export const cachedOperationFromDocument: OperationFromDocument = (schema, document, options) => {
  // Only the executor's call: no operation name, no validation, one operation then its fragments.
  const executorCall =
    options !== null &&
    typeof options === 'object' &&
    options.validate === false &&
    Object.keys(options).length === 1;
  const [first, ...rest] = document.definitions;
  if (
    !executorCall ||
    first?.kind !== Kind.OPERATION_DEFINITION ||
    !rest.every((d) => d.kind === Kind.FRAGMENT_DEFINITION)
  )
    return libraryOperationFromDocument(schema, document, options);
  const hit = kept.get(first);
  if (hit && hit.schema === schema && sameNodes(hit.fragments, rest)) {
    operationCacheStats.reused += 1;
    return hit.operation;
  }
  const operation = libraryOperationFromDocument(schema, document, options);
  kept.set(first, { schema, fragments: rest, operation });
  operationCacheStats.built += 1;
  return operation;
};

export function installOperationCache(): void {
  operationsModule.operationFromDocument = cachedOperationFromDocument;
}

/** Whether the gateway's executor now gets kept Operations (tests, diagnostics). */
export function operationCacheInstalled(): boolean {
  const fed = gatewayRequire('@apollo/federation-internals') as { operationFromDocument: unknown };
  return fed.operationFromDocument === cachedOperationFromDocument;
}
