// Limits that keep one client from taking the router down: token count (before parsing), then
// depth, aliases and estimated cost of the operation to run (checked once it is resolved: by the
// router's guard plugin, and for subscriptions when the socket subscribes), each rejected with its
// own stable code before any subgraph is called. Cost: every field costs 1; a list multiplies its
// selection by its size estimate — the `first`/`limit` argument when given, else a default (like
// @listSize).
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  isListType,
  getNullableType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface Limits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  defaultListSize: number;
}

export const limitError = (code: string, message: string) =>
  new GraphQLError(message, { extensions: { code } });

/** Counts lexical tokens without building an AST, stopping as soon as the limit is passed. */
export function exceedsTokenLimit(query: string, maxTokens: number): boolean {
  // Every token is at least one character long, so a short query cannot exceed the limit.
  if (query.length <= maxTokens) return false;
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > maxTokens) return true;
    }
  } catch {
    return false; // a syntax error is reported by the parser with its own message
  }
  return false;
}

function argumentValue(node: FieldNode, names: string[], variables: Record<string, unknown>): number | null {
  for (const arg of node.arguments ?? []) {
    if (!names.includes(arg.name.value)) continue;
    const value: ValueNode = arg.value;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const v = variables[value.name.value];
      if (typeof v === 'number') return v;
    }
  }
  return null;
}

/**
 * Depth, aliases and estimated cost of the operation that will run. Fragments are expanded where
 * they are spread, so a fragment used ten times counts ten times (that is what subgraphs execute).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: Pick<Limits, 'defaultListSize'>,
  variables: Record<string, unknown> = {},
) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }

  function measure(
    selectionSet: SelectionSetNode,
    parentType: GraphQLOutputType | null,
    depth: number,
    seen: Set<string>,
  ) {
    let cost = 0;
    let aliases = 0;
    let maxDepth = depth;
    const add = (inner: { cost: number; aliases: number; depth: number }) => {
      cost += inner.cost;
      aliases += inner.aliases;
      maxDepth = Math.max(maxDepth, inner.depth);
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        if (selection.name.value.startsWith('__')) continue;
        const named = parentType ? getNamedType(parentType) : null;
        const fieldDef = named && 'getFields' in named ? named.getFields()[selection.name.value] : undefined;
        const type = fieldDef?.type ?? null;
        cost += 1;
        if (selection.selectionSet) {
          const inner = measure(selection.selectionSet, type, depth + 1, seen);
          const list = type !== null && isListType(getNullableType(type));
          const size = list
            ? (argumentValue(selection, ['first', 'last', 'limit'], variables) ?? limits.defaultListSize)
            : 1;
          add({ cost: size * inner.cost, aliases: inner.aliases, depth: inner.depth });
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : null;
        add(
          measure(selection.selectionSet, (condition as GraphQLOutputType | null) ?? parentType, depth, seen),
        );
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue; // cycles are rejected by validation
        const condition = schema.getType(fragment.typeCondition.name.value) as GraphQLOutputType | null;
        add(measure(fragment.selectionSet, condition, depth, new Set([...seen, name])));
      }
    }
    return { cost, aliases, depth: maxDepth };
  }

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return measure(operation.selectionSet, root ?? null, 1, new Set());
}

/** The error for the first limit the operation breaks, or null. */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: Limits,
  variables: Record<string, unknown> = {},
): GraphQLError | null {
  const { cost, aliases, depth } = measureOperation(schema, document, operation, limits, variables);
  if (depth > limits.maxDepth)
    return limitError('DEPTH_LIMIT_EXCEEDED', `query depth ${depth} exceeds the limit of ${limits.maxDepth}`);
  if (aliases > limits.maxAliases)
    return limitError('ALIAS_LIMIT_EXCEEDED', `${aliases} aliases exceed the limit of ${limits.maxAliases}`);
  if (cost > limits.maxCost)
    return limitError('COST_LIMIT_EXCEEDED', `estimated cost ${cost} exceeds the limit of ${limits.maxCost}`);
  return null;
}
