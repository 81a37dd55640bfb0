// The direct path (docs/decisions/0034). Most of what clients send is an operation whose whole
// query plan is one fetch from one subgraph that selects exactly what the client asked for: a
// check-in, a booking, a venue page. For those the gateway's executor and Apollo Server's request
// pipeline only copy the subgraph's answer into the response, at ~0.3 ms of the router's CPU per
// request. The router learns such plans from the gateway itself (every plan it resolves passes
// through `learn`), and serves a later request for the same text by sending the fetch itself,
// after the same checks (variables, token, limits, access, rate limit).
//
// Only a clean answer is served here: HTTP 200, JSON, no cache-control, nothing but a `data`
// object. Anything else (errors, a refused or failed fetch) goes through Apollo and the gateway
// with the answer already received (RouterContext.prefetched), so every error is shaped, masked
// and given its HTTP status by the one pipeline there is — and the fetch is never sent twice. A
// request the path cannot take (a batch, an unknown text, invalid variables, a bad token, a
// refusal by the guard) goes to Apollo before anything is sent, with its context and its counted
// rate limit.
import {
  getVariableValues,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { IncomingMessage } from 'node:http';
import Negotiator from 'negotiator';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type { RouterContext, SubgraphFetcher } from './gateway.ts';
import type { OperationGuard } from './operation-guard.ts';
import { operationMeter, type RouterMetrics } from './metrics.ts';

/** A plan the router serves itself: one fetch whose answer is the response. */
export interface DirectPlan {
  /** Apollo's API schema and parsed document: the guard's caches are keyed by these objects. */
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  subgraph: string;
  /** The fetch as the gateway sends it. */
  query: string;
  operationName: string | undefined;
  variableUsages: readonly string[];
}

type PlanSeen = Parameters<Experimental_DidResolveQueryPlanCallback>[0];

const keyOf = (operationName: string | undefined, query: string) =>
  operationName === undefined ? `-${query}` : `+${operationName.length}:${operationName}${query}`;

const unnamed = (operation: OperationDefinitionNode) => print({ ...operation, name: undefined });

/**
 * The operation with each fragment spread replaced by the fragment's selections, as the planner
 * writes a fetch: in place when the fragment's type is the type it is spread in, else as an inline
 * fragment on its type. Null for a spread with directives or of an unknown fragment. Fields that a
 * fragment repeats are not merged here; the planner merges them, so such a document does not
 * print like its fetch and stays with the gateway.
 */
function withFragmentsInlined(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): OperationDefinitionNode | null {
  if (Object.keys(fragments).length === 0) return operation;
  let inlinable = true;
  const typeInfo = new TypeInfo(schema);
  const spreadsInlined = visit(
    operation,
    visitWithTypeInfo(typeInfo, {
      FragmentSpread(spread): InlineFragmentNode | undefined {
        const fragment = fragments[spread.name.value];
        if (!fragment || spread.directives?.length) {
          inlinable = false;
          return undefined;
        }
        const sameType = typeInfo.getParentType()?.name === fragment.typeCondition.name.value;
        // Visited next in its turn: spreads inside the fragment are inlined too.
        return {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: sameType ? undefined : fragment.typeCondition,
          selectionSet: fragment.selectionSet,
        };
      },
    }),
  );
  if (!inlinable) return null;
  // Inline fragments without a type or directives are their selections, in place.
  return visit(spreadsInlined, {
    SelectionSet: {
      leave(set): SelectionSetNode {
        return {
          ...set,
          selections: set.selections.flatMap((selection) =>
            selection.kind === Kind.INLINE_FRAGMENT &&
            !selection.typeCondition &&
            !selection.directives?.length
              ? selection.selectionSet.selections
              : [selection],
          ),
        };
      },
    },
  });
}

/** The plan as a direct one, or null when the gateway's executor has work to do on its answer. */
export function directPlanOf({ queryPlan, operationContext, requestContext }: PlanSeen): DirectPlan | null {
  const node = queryPlan.node;
  if (node?.kind !== 'Fetch') return null;
  if (
    node.requires ||
    node.inputRewrites?.length ||
    node.outputRewrites?.length ||
    node.contextRewrites?.length
  )
    return null;
  const operation = operationContext.operation;
  if (operation.operation === 'subscription') return null;
  // The planner inlines fragments: compared with the client's operation, fragments inlined alike.
  const selected = withFragmentsInlined(requestContext.schema, operation, operationContext.fragments);
  if (!selected) return null;
  // Parsed here: the planner keeps its document node only when configured to expose it.
  const fetched = parse(node.operation).definitions[0];
  if (fetched?.kind !== Kind.OPERATION_DEFINITION) return null;
  // The same selections, arguments, directives and variables: the subgraph's answer is the result
  // the gateway would shape from it (no __typename or key fields added, nothing renamed).
  if (unnamed(fetched) !== unnamed(selected)) return null;
  const document = requestContext.document;
  if (!document) return null;
  return {
    schema: requestContext.schema,
    document,
    operation,
    subgraph: node.serviceName,
    query: node.operation,
    operationName: node.operationName,
    variableUsages: node.variableUsages ?? [],
  };
}

/**
 * The direct plans of the current API schema, by operation name and document text. Bounded: the
 * oldest entry is forgotten first (with trusted documents enforced there are only as many texts
 * as the manifests hold). Texts that are not direct are remembered too (as null), so the check
 * runs once per text.
 */
export function createDirectPlans({ maxEntries = 1_000 } = {}) {
  let schema: GraphQLSchema | null = null;
  let plans = new Map<string, DirectPlan | null>();
  return {
    /** A new API schema (the supergraph was reloaded): plans made for the last one are dropped. */
    schemaChanged(next: GraphQLSchema) {
      schema = next;
      plans = new Map();
    },
    /** For the gateway's `experimental_didResolveQueryPlan`: called with every plan it resolves. */
    learn(seen: PlanSeen) {
      const { requestContext } = seen;
      // A request still running on the schema before a reload teaches nothing.
      if (requestContext.schema !== schema || requestContext.source === undefined) return;
      const key = keyOf(requestContext.request.operationName, requestContext.source);
      if (plans.has(key)) return;
      if (plans.size >= maxEntries) plans.delete(plans.keys().next().value!);
      plans.set(key, directPlanOf(seen));
    },
    find(operationName: string | undefined, query: string): DirectPlan | null {
      return plans.get(keyOf(operationName, query)) ?? null;
    },
    size: () => plans.size,
  };
}

export type DirectPlans = ReturnType<typeof createDirectPlans>;

/** What the HTTP layer writes for a request the direct path answered. */
export interface DirectAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';
// Apollo Server's offers, in its order (its chooseContentTypeForSingleResultResponse).
const OFFERED = [JSON_TYPE, GRAPHQL_RESPONSE_TYPE, 'application/json; callbackSpec=1.0; charset=utf-8'];

/** The response type Apollo would choose for an Accept header; null when the direct path leaves it to Apollo. */
function responseTypeFor(cache: Map<string, string | null>, accept: string | undefined): string | null {
  if (!accept) return JSON_TYPE;
  let type = cache.get(accept);
  if (type === undefined) {
    const preferred = new Negotiator({ headers: { accept } }).mediaType(OFFERED);
    type = preferred === JSON_TYPE || preferred === GRAPHQL_RESPONSE_TYPE ? preferred : null;
    if (cache.size >= 100) cache.clear();
    cache.set(accept, type);
  }
  return type;
}

const isJsonContentType = (header: string | undefined) => {
  if (header === undefined) return false;
  const end = header.indexOf(';');
  return (end < 0 ? header : header.slice(0, end)).trim().toLowerCase() === 'application/json';
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The answer's `data` when the answer is nothing else (see the top of this file); else null. */
function cleanData(answer: { status: number; headers: Record<string, unknown>; body: string }) {
  if (answer.status !== 200 || answer.headers['cache-control'] !== undefined) return null;
  const type = answer.headers['content-type'];
  if (
    typeof type !== 'string' ||
    !(type.startsWith('application/json') || type.startsWith('application/graphql-response+json'))
  )
    return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !isRecord(parsed.data)) return null;
  for (const key in parsed) if (key !== 'data') return null;
  return parsed.data;
}

export function createDirectPath(opts: {
  plans: DirectPlans;
  guard: OperationGuard;
  metrics: RouterMetrics;
  subgraph: (name: string) => SubgraphFetcher | undefined;
}) {
  const responseTypes = new Map<string, string | null>();

  /**
   * Serves one HTTP operation (a parsed POST body, trusted documents already resolved) when its
   * plan is direct and its answer clean; null hands it to Apollo (see the top of this file).
   */
  return async function serveDirect(
    body: Record<string, unknown>,
    req: IncomingMessage,
    contextOf: () => Promise<RouterContext>,
  ): Promise<DirectAnswer | null> {
    // Apollo's CSRF prevention lets a POST through by its JSON content type; any other is left to it.
    if (!isJsonContentType(req.headers['content-type'])) return null;
    // Apollo's own checks of a POST body; anything unusual is left to it.
    const { query, operationName, variables, extensions } = body;
    if (typeof query !== 'string') return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
      return null;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
    if (extensions !== undefined && extensions !== null && !isRecord(extensions)) return null;
    // Automatic persisted queries (an APQ hash the trusted manifest does not hold) stay with Apollo.
    if (isRecord(extensions) && 'persistedQuery' in extensions) return null;
    const name = typeof operationName === 'string' ? operationName : undefined;
    const plan = opts.plans.find(name, query);
    if (!plan) return null;
    const contentType = responseTypeFor(responseTypes, req.headers.accept);
    if (!contentType) return null;
    const values = isRecord(variables) ? variables : {};
    // Coercion errors are answered by Apollo (BAD_USER_INPUT, 400); nothing was sent.
    if (
      getVariableValues(plan.schema, plan.operation.variableDefinitions ?? [], values, { maxErrors: 1 })
        .errors
    )
      return null;
    let context: RouterContext;
    try {
      context = await contextOf();
    } catch {
      return null; // Apollo answers a failed context as it always does
    }
    if (context.authError) return null; // 401 by Apollo's pipeline (context.ts)
    const source = opts.subgraph(plan.subgraph);
    if (!source) return null;
    const meter = operationMeter(opts.metrics);
    const refused = await opts.guard({
      schema: plan.schema,
      document: plan.document,
      operation: plan.operation,
      operationName: name,
      variables: values,
      context,
    });
    if (refused) return null; // refused again by the same guard in Apollo's pipeline (counted once)

    const fetchVariables: Record<string, unknown> = {};
    for (const variable of plan.variableUsages)
      if (Object.hasOwn(values, variable) && values[variable] !== undefined)
        fetchVariables[variable] = values[variable];
    const request = { query: plan.query, variables: fetchVariables, operationName: plan.operationName };
    let answer;
    try {
      answer = await source.fetch(request, context, plan.operation.operation === 'query');
    } catch (err) {
      context.prefetched = { subgraph: plan.subgraph, query: plan.query, answer: () => Promise.reject(err) };
      opts.metrics.directFetches.inc({ outcome: 'replayed' });
      return null;
    }
    const data = cleanData(answer);
    if (data === null) {
      const received = answer;
      context.prefetched = { subgraph: plan.subgraph, query: plan.query, answer: async () => received };
      opts.metrics.directFetches.inc({ outcome: 'replayed' });
      return null;
    }
    meter.resolved(plan.operation.name?.value ?? null, plan.operation);
    meter.sentOk();
    opts.metrics.directFetches.inc({ outcome: 'answered' });
    // What Apollo Server sends for a result without errors (the router's subgraphs send no
    // cache-control, so its cache policy is "not cacheable": no-store).
    return {
      status: 200,
      headers: { 'cache-control': 'no-store', 'content-type': contentType },
      body: `${JSON.stringify({ data })}\n`,
    };
  };
}

export type DirectPath = ReturnType<typeof createDirectPath>;
