// Limits that keep one client from taking the router down: token count (before parsing), then
// depth, aliases, directives and estimated cost, each refused with its own stable code. They are
// measured in ONE pass over the parsed document, before validation (whose cost grows with what a
// document expands to) and before planning: a fragment's measure is computed once and reused at
// every spread, so the pass is linear in the document's size however the fragments fan out.
// Cost: every field costs 1; a list multiplies its selection by its size estimate — its
// `first`/`last`/`limit` argument, or that of the connection it is the `edges`/`nodes` of
// (`venues(first: 10) { edges { … } }`), else a default (like @listSize's slicing arguments). Introspection
// costs nothing (the router answers it from memory) but obeys the alias and directive limits like
// any selection and a depth limit of its own: the standard introspection query
// (graphql-js getIntrospectionQuery, what GraphiQL and codegen tools send) is 15 levels deep
// through its `ofType` chain, deeper than data queries need.
import {
  GraphQLError,
  Kind,
  Lexer,
  SchemaMetaFieldDef,
  Source,
  TokenKind,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  getNullableType,
  isIntrospectionType,
  isListType,
  isOutputType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface Limits {
  maxTokens: number;
  maxDepth: number;
  maxIntrospectionDepth: number;
  maxAliases: number;
  maxCost: number;
  maxDirectives: number;
  /** Fields of one response key in one selection set, merged over its fragments. */
  maxFieldRepeats: number;
  defaultListSize: number;
}

/** What one operation (or fragment, or batch) expands to. */
export interface Measure {
  /** Levels of nested data fields (`{ a { b } }` is 2). */
  depth: number;
  /** Levels of nested fields on paths through introspection (`__schema`, `__type`). */
  introspectionDepth: number;
  aliases: number;
  directives: number;
  cost: number;
  /**
   * Most fields sharing one response key in one selection set once its inline fragments and
   * (distinct) fragment spreads are merged into it: validation compares such fields pairwise, so
   * `{ me { id } me { id } … }` ×1,200 — or as many fragments each selecting `me` — took seconds.
   */
  repeats: number;
}

const ZERO: Measure = Object.freeze({
  depth: 0,
  introspectionDepth: 0,
  aliases: 0,
  directives: 0,
  cost: 0,
  repeats: 0,
});
const NO_KEYS: ReadonlyMap<string, number> = new Map();

export const LimitCode = {
  TOKENS: 'TOKEN_LIMIT_EXCEEDED',
  DEPTH: 'DEPTH_LIMIT_EXCEEDED',
  ALIASES: 'ALIAS_LIMIT_EXCEEDED',
  DIRECTIVES: 'DIRECTIVE_LIMIT_EXCEEDED',
  COST: 'COST_LIMIT_EXCEEDED',
  REPEATS: 'FIELD_REPEAT_LIMIT_EXCEEDED',
} as const;

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

/** `onVariable` hears of every variable a measure read (a measure without one is the same for any variables). */
function sliceSize(
  node: FieldNode,
  variables: Record<string, unknown>,
  onVariable: () => void,
): number | null {
  for (const arg of node.arguments ?? []) {
    if (!['first', 'last', 'limit'].includes(arg.name.value)) continue;
    const value: ValueNode = arg.value;
    let n: unknown = null;
    if (value.kind === Kind.INT) n = Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      onVariable();
      n = variables[value.name.value];
    }
    if (typeof n === 'number' && Number.isFinite(n)) return Math.max(0, n);
  }
  return null;
}

function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLOutputType | null,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  const named = parent ? getNamedType(parent) : null;
  return named && 'getFields' in named ? named.getFields()[name] : undefined;
}

/**
 * Measures a document's operations and fragments. Each selection is visited once; a fragment is
 * measured the first time it is spread and its measure reused afterwards (a spread counts what
 * the fragment expands to — that is what subgraphs execute — without walking it again).
 * Variables feed list sizes (`first: $n`). Works on documents that have not been validated:
 * unknown fields, types and fragments count as best they can, and a fragment cycle counts as
 * nothing (validation refuses it afterwards).
 */
export function createMeasurer(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: Pick<Limits, 'defaultListSize'>,
  variables: Record<string, unknown> = {},
) {
  const definitions = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) definitions.set(def.name.value, def);
  }
  // By fragment name and the slice size it is spread under; null: being measured (a cycle
  // reaching it again counts as nothing).
  // Each with the response keys of its top level (what it adds to the set it is spread into).
  const fragments = new Map<string, Fragment | null>();
  const EMPTY: Fragment = { measure: ZERO, keys: NO_KEYS };
  let readVariables = false;
  const onVariable = () => {
    readVariables = true;
  };

  function fragment(name: string, slice: number | null = null): Fragment {
    const key = `${name}\0${slice ?? ''}`;
    const known = fragments.get(key);
    if (known !== undefined) return known ?? EMPTY;
    const def = definitions.get(name);
    if (!def) return EMPTY;
    fragments.set(key, null);
    const condition = schema.getType(def.typeCondition.name.value);
    const keys = new Map<string, number>();
    const inner = selectionSet(
      def.selectionSet,
      condition && isOutputType(condition) ? condition : null,
      slice,
      keys,
    );
    const measure = { ...inner, directives: inner.directives + (def.directives?.length ?? 0) };
    const done = { measure, keys };
    fragments.set(key, done);
    return done;
  }

  /** `slice`: the page size of the connection this is the selection of, for its lists. */
  // `keys`/`spread`: those of the set an inline fragment's selections merge into.
  function selectionSet(
    set: SelectionSetNode,
    parent: GraphQLOutputType | null,
    slice: number | null,
    keys = new Map<string, number>(),
    spread = new Set<string>(),
  ): Measure {
    let repeats = 0;
    const count = (key: string, n: number) => {
      const total = (keys.get(key) ?? 0) + n;
      keys.set(key, total);
      if (total > repeats) repeats = total;
    };
    let depth = 0;
    let introspectionDepth = 0;
    let aliases = 0;
    let directives = 0;
    let cost = 0;
    const parentNamed = parent ? getNamedType(parent) : null;
    const free = parentNamed !== null && isIntrospectionType(parentNamed);
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const type = fieldDefinition(schema, parent, name)?.type ?? null;
        const many = type !== null && isListType(getNullableType(type));
        const sliced = sliceSize(selection, variables, onVariable);
        inner = selection.selectionSet
          ? selectionSet(selection.selectionSet, type, many ? null : sliced)
          : ZERO;
        if (selection.alias) aliases += 1;
        count(selection.alias?.value ?? name, 1);
        if (free || name === '__schema' || name === '__type') {
          introspectionDepth = Math.max(
            introspectionDepth,
            1 + Math.max(inner.depth, inner.introspectionDepth),
          );
        } else {
          depth = Math.max(depth, 1 + inner.depth);
          if (inner.introspectionDepth > 0)
            introspectionDepth = Math.max(introspectionDepth, 1 + inner.introspectionDepth);
        }
        if (!free && !name.startsWith('__')) {
          cost += 1 + (many ? (sliced ?? slice ?? limits.defaultListSize) : 1) * inner.cost;
        }
      } else {
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          const condition = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : null;
          inner = selectionSet(
            selection.selectionSet,
            condition && isOutputType(condition) ? condition : parent,
            slice,
            keys,
            spread,
          );
        } else {
          const name = selection.name.value;
          const spreadOf = fragment(name, slice);
          inner = spreadOf.measure;
          // Validation merges a fragment spread twice into one set once.
          if (!spread.has(name)) {
            spread.add(name);
            for (const [key, n] of spreadOf.keys) count(key, n);
          }
        }
        depth = Math.max(depth, inner.depth);
        introspectionDepth = Math.max(introspectionDepth, inner.introspectionDepth);
        cost += inner.cost;
      }
      aliases += inner.aliases;
      directives += inner.directives;
      repeats = Math.max(repeats, inner.repeats);
    }
    return { depth, introspectionDepth, aliases, directives, cost, repeats };
  }

  const rootType = (operation: OperationDefinitionNode) =>
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();

  return {
    operation(operation: OperationDefinitionNode): Measure {
      const inner = selectionSet(operation.selectionSet, rootType(operation) ?? null, null);
      return { ...inner, directives: inner.directives + (operation.directives?.length ?? 0) };
    },
    fragment: (name: string) => fragment(name).measure,
    /** Whether any measure so far depended on the variables (a `first: $n`). */
    readVariables: () => readVariables,
  };
}

interface Fragment {
  measure: Measure;
  keys: ReadonlyMap<string, number>;
}

/** Depth, aliases, directives and estimated cost of one operation. */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: Pick<Limits, 'defaultListSize'>,
  variables: Record<string, unknown> = {},
): Measure {
  return createMeasurer(schema, document, limits, variables).operation(operation);
}

/** The error for the first limit the measure breaks, or null. `what` names it in the message. */
export function exceeded(measure: Measure, limits: Limits, what = 'query'): GraphQLError | null {
  const { depth, introspectionDepth, aliases, directives, cost } = measure;
  if (depth > limits.maxDepth)
    return limitError(LimitCode.DEPTH, `${what} depth ${depth} exceeds the limit of ${limits.maxDepth}`);
  if (introspectionDepth > limits.maxIntrospectionDepth)
    return limitError(
      LimitCode.DEPTH,
      `${what}: introspection depth ${introspectionDepth} exceeds the limit of ${limits.maxIntrospectionDepth}`,
    );
  if (aliases > limits.maxAliases)
    return limitError(
      LimitCode.ALIASES,
      `${what}: ${aliases} aliases exceed the limit of ${limits.maxAliases}`,
    );
  if (directives > limits.maxDirectives)
    return limitError(
      LimitCode.DIRECTIVES,
      `${what}: ${directives} directives exceed the limit of ${limits.maxDirectives}`,
    );
  if (measure.repeats > limits.maxFieldRepeats)
    return limitError(
      LimitCode.REPEATS,
      `${what}: a field is selected ${measure.repeats} times in one selection (limit ${limits.maxFieldRepeats})`,
    );
  if (cost > limits.maxCost)
    return limitError(
      LimitCode.COST,
      `${what}: estimated cost ${cost} exceeds the limit of ${limits.maxCost}`,
    );
  return null;
}

/** The error for the first limit the operation breaks, or null. */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: Limits,
  variables: Record<string, unknown> = {},
): GraphQLError | null {
  return exceeded(measureOperation(schema, document, operation, limits, variables), limits);
}

/**
 * Checks a parsed, not yet validated document: every operation in it and every fragment (even one
 * no operation uses: validation still walks it) must be within the limits. Returns the error, or
 * the measure of the operation that will run (`operationName`, else the only one) for batch totals.
 */
export function checkDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: Limits,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
  measurer = createMeasurer(schema, document, limits, variables),
): { error: GraphQLError } | { error: null; selected: Measure | null } {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  let selected: Measure | null = null;
  for (const operation of operations) {
    const measure = measurer.operation(operation);
    const error = exceeded(measure, limits);
    if (error) return { error };
    if (operationName ? operation.name?.value === operationName : operations.length === 1) selected = measure;
  }
  for (const def of document.definitions) {
    if (def.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const error = exceeded(measurer.fragment(def.name.value), limits, `fragment ${def.name.value}`);
    if (error) return { error };
  }
  return { error: null, selected };
}

/** A batch is limited as a whole too: aliases, directives and cost add up (depth does not). */
export function checkBatch(measures: readonly Measure[], limits: Limits): GraphQLError | null {
  if (measures.length < 2) return null;
  const total = measures.reduce(
    (sum, m) => ({
      depth: Math.max(sum.depth, m.depth),
      introspectionDepth: Math.max(sum.introspectionDepth, m.introspectionDepth),
      aliases: sum.aliases + m.aliases,
      directives: sum.directives + m.directives,
      cost: sum.cost + m.cost,
      repeats: Math.max(sum.repeats, m.repeats),
    }),
    ZERO,
  );
  return exceeded(total, limits, 'batch');
}
