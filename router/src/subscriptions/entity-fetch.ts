// Resolves the parts of a subscription payload that live elsewhere in the graph. A payload field
// `venue` of entity type Venue is fetched as `query { venue(id: payload.venueId) { …selection } }`
// through the gateway, with the subscriber's selection (fragments and variables included).
import {
  GraphQLError,
  Kind,
  getNamedType,
  isObjectType,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

export type RunQuery = (
  query: string,
  variables: Record<string, unknown>,
) => Promise<{
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}>;

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Variables and fragments the field's selection uses, transitively. Only the selection: the
 * field's own arguments are not part of the forwarded query.
 */
function dependencies(node: FieldNode, fragments: Record<string, FragmentDefinitionNode>) {
  const variables = new Set<string>();
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (n: SelectionSetNode | FragmentDefinitionNode) =>
    visit(n, {
      Variable(v) {
        variables.add(v.name.value);
      },
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (!used.has(name) && fragments[name]) {
          used.set(name, fragments[name]);
          walk(fragments[name]);
        }
      },
    });
  if (node.selectionSet) walk(node.selectionSet);
  return { variables, fragments: [...used.values()] };
}

interface EntityQuery {
  query: string;
  /** The subscriber's variables the query uses. */
  variableNames: Set<string>;
}

/**
 * Built queries per operation and field node: the same for every event of a subscription group,
 * whose document is parsed once. Keyed by the operation too (its variable definitions are used).
 */
const entityQueries = new WeakMap<OperationDefinitionNode, WeakMap<FieldNode, Map<string, EntityQuery>>>();

export function buildEntityQuery(
  info: GraphQLResolveInfo,
  rootField: string,
  idVariable: string,
  nestedField?: string,
) {
  const field = info.fieldNodes[0]!;
  const operation = info.operation as OperationDefinitionNode;
  let byField = entityQueries.get(operation);
  if (!byField) entityQueries.set(operation, (byField = new WeakMap()));
  let byTarget = byField.get(field);
  if (!byTarget) byField.set(field, (byTarget = new Map()));
  const target = `${rootField}\0${idVariable}\0${nestedField ?? ''}`;
  let built = byTarget.get(target);
  if (!built)
    byTarget.set(target, (built = printEntityQuery(info, field, rootField, idVariable, nestedField)));
  const { variableNames } = built;
  const variables = Object.fromEntries(
    Object.entries(info.variableValues).filter(([name]) => variableNames.has(name)),
  );
  return { query: built.query, variables };
}

function printEntityQuery(
  info: GraphQLResolveInfo,
  field: FieldNode,
  rootField: string,
  idVariable: string,
  nestedField?: string,
): EntityQuery {
  const deps = dependencies(field, info.fragments);
  const operation = info.operation as OperationDefinitionNode;
  const variableDefinitions: VariableDefinitionNode[] = [
    {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: idVariable } },
      type: {
        kind: Kind.NON_NULL_TYPE,
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } },
      },
    },
    ...(operation.variableDefinitions ?? []).filter((d) => deps.variables.has(d.variable.name.value)),
  ];
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as OperationDefinitionNode['operation'],
        name: { kind: Kind.NAME, value: 'SubscriptionEntity' },
        variableDefinitions,
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [
            {
              kind: Kind.FIELD,
              alias: { kind: Kind.NAME, value: 'entity' },
              name: { kind: Kind.NAME, value: rootField },
              arguments: [
                {
                  kind: Kind.ARGUMENT,
                  name: { kind: Kind.NAME, value: 'id' },
                  value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: idVariable } },
                },
              ],
              selectionSet: nestedField
                ? {
                    kind: Kind.SELECTION_SET,
                    selections: [
                      {
                        kind: Kind.FIELD,
                        name: { kind: Kind.NAME, value: nestedField },
                        selectionSet: field.selectionSet,
                      },
                    ],
                  }
                : field.selectionSet,
            },
          ],
        },
      } as OperationDefinitionNode,
      ...deps.fragments,
    ],
  };
  return { query: print(document), variableNames: deps.variables };
}

/**
 * Objects fetched through the graph are keyed by response key (the subscriber's alias, else the
 * field name); event payloads by field name. The set tells the two apart.
 */
const fetched = new WeakSet<object>();

function markFetched(value: unknown): void {
  if (value === null || typeof value !== 'object' || fetched.has(value)) return;
  fetched.add(value);
  for (const child of Object.values(value)) markFetched(child);
}

/** A root field whose whole value is fetched through the graph: `query(id: payload[idFrom]) { field { … } }`. */
export interface RootFetch {
  query: string;
  idFrom: string;
  field: string;
}

async function fetchThroughGraph(
  runQuery: RunQuery,
  info: GraphQLResolveInfo,
  rootField: string,
  id: unknown,
  nestedField?: string,
) {
  const { query, variables } = buildEntityQuery(info, rootField, '__entityId', nestedField);
  const result = await runQuery(query, { ...variables, __entityId: String(id) });
  if (result.errors?.length) {
    const first = result.errors[0]!;
    throw new GraphQLError(first.message, { extensions: first.extensions ?? {} });
  }
  const entity = (result.data?.entity ?? null) as Record<string, unknown> | null;
  const value = nestedField ? (entity?.[nestedField] ?? null) : entity;
  markFetched(value);
  return value;
}

/**
 * Field resolver for executing a subscription selection over an event payload: plain values come
 * from the payload; an entity field `x` of type T is fetched by `payload.xId` through Query.t(id);
 * with `rootFetch`, the root field's whole value is fetched.
 */
export function payloadFieldResolver(
  runQuery: RunQuery,
  rootFetch?: RootFetch,
): GraphQLFieldResolver<Record<string, unknown>, unknown> {
  return async (source, _args, _ctx, info) => {
    if (fetched.has(source)) return source[String(info.path.key)];
    if (rootFetch && info.parentType === info.schema.getSubscriptionType()) {
      const payload = source[info.fieldName] as Record<string, unknown>;
      return fetchThroughGraph(runQuery, info, rootFetch.query, payload[rootFetch.idFrom], rootFetch.field);
    }
    const own = source[info.fieldName];
    if (own !== undefined) return own;
    const type = getNamedType(info.returnType);
    const id = source[`${info.fieldName}Id`];
    const rootField = lowerFirst(type.name);
    if (!isObjectType(type) || id === undefined || !info.schema.getQueryType()?.getFields()[rootField])
      return null;
    return fetchThroughGraph(runQuery, info, rootField, id);
  };
}
