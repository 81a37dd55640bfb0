// @authenticated and @requiresScopes, enforced by the router. @apollo/gateway refuses supergraphs
// that link these `for: SECURITY` features, so the router reads the policy out of the supergraph,
// hands the gateway a copy without the SECURITY purpose, and checks every operation itself before
// any subgraph is called (as Apollo Router, Cosmo and Hive Gateway do). Scopes are our roles.
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  parse,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type ConstDirectiveNode,
} from 'graphql';
import { ErrorCode, type Viewer } from '@sport-venue/shared';

interface Requirement {
  authenticated: boolean;
  /** OR of AND-sets of roles; null when no scope is required. */
  scopes: string[][] | null;
}

export interface SecurityPolicy {
  /** `Type.field` → requirement, for fields that have one (directly or through their type). */
  fields: Map<string, Requirement>;
  /** Types whose every use requires authentication or scopes. */
  types: Map<string, Requirement>;
}

function requirementOf(directives: readonly ConstDirectiveNode[] | undefined): Requirement | null {
  let authenticated = false;
  let scopes: string[][] | null = null;
  for (const d of directives ?? []) {
    if (d.name.value === 'authenticated') authenticated = true;
    if (d.name.value === 'requiresScopes') {
      const arg = d.arguments?.find((a) => a.name.value === 'scopes');
      if (arg?.value.kind === Kind.LIST) {
        scopes = arg.value.values.map((inner) =>
          inner.kind === Kind.LIST ? inner.values.map((v) => (v.kind === Kind.STRING ? v.value : '')) : [],
        );
      }
    }
  }
  return authenticated || scopes ? { authenticated: authenticated || scopes !== null, scopes } : null;
}

export function extractSecurityPolicy(supergraphSdl: string): SecurityPolicy {
  const fields = new Map<string, Requirement>();
  const types = new Map<string, Requirement>();
  const doc = parse(supergraphSdl);
  for (const def of doc.definitions) {
    if ('name' in def && def.name && 'directives' in def) {
      const req = requirementOf(def.directives as readonly ConstDirectiveNode[]);
      if (req) types.set(def.name.value, req);
    }
  }
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeDef = def as ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode;
    for (const field of typeDef.fields ?? []) {
      const req = requirementOf(field.directives);
      if (req) fields.set(`${typeDef.name.value}.${field.name.value}`, req);
    }
  }
  return { fields, types };
}

/** The supergraph the gateway accepts: same schema, security features no longer marked SECURITY. */
export function withoutSecurityPurpose(supergraphSdl: string): string {
  return supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"), for: SECURITY\)/g,
    '$1)',
  );
}

function satisfies(viewer: Viewer | null, req: Requirement): 'ok' | 'unauthenticated' | 'forbidden' {
  if (!viewer) return 'unauthenticated';
  if (!req.scopes) return 'ok';
  const roles = new Set<string>(viewer.roles);
  return req.scopes.some((all) => all.every((scope) => roles.has(scope))) ? 'ok' : 'forbidden';
}

type Found = ReadonlyArray<{ coordinate: string; req: Requirement }>;

/**
 * Requirements already found, per policy, schema and document. A reload brings a new policy and
 * schema object, so older entries are simply never looked up again (and are collected with them);
 * Apollo reuses one DocumentNode per cached query, a subscription group one per event.
 */
const requirementsCache = new WeakMap<SecurityPolicy, WeakMap<GraphQLSchema, WeakMap<DocumentNode, Found>>>();

/**
 * Every requirement the document's selections touch, with the field coordinate that needs it.
 * The whole document is walked, not only the operation that will run: stricter, never weaker.
 */
export function requirementsOf(schema: GraphQLSchema, document: DocumentNode, policy: SecurityPolicy): Found {
  let bySchema = requirementsCache.get(policy);
  if (!bySchema) requirementsCache.set(policy, (bySchema = new WeakMap()));
  let byDocument = bySchema.get(schema);
  if (!byDocument) bySchema.set(schema, (byDocument = new WeakMap()));
  const cached = byDocument.get(document);
  if (cached) return cached;
  const found = walkRequirements(schema, document, policy);
  byDocument.set(document, found);
  return found;
}

function walkRequirements(schema: GraphQLSchema, document: DocumentNode, policy: SecurityPolicy): Found {
  const found: Array<{ coordinate: string; req: Requirement }> = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const fieldDef = typeInfo.getFieldDef();
        if (!parent || !fieldDef) return;
        const coordinate = `${parent.name}.${node.name.value}`;
        const direct = policy.fields.get(coordinate);
        if (direct) found.push({ coordinate, req: direct });
        const returned = getNamedType(fieldDef.type);
        const byType = policy.types.get(returned.name);
        if (byType) found.push({ coordinate, req: byType });
      },
    }),
  );
  return found;
}

/** Null when the viewer may run the operation; otherwise the error to answer with. */
export function checkAccess(
  schema: GraphQLSchema,
  document: DocumentNode,
  policy: SecurityPolicy,
  viewer: Viewer | null,
): GraphQLError | null {
  for (const { coordinate, req } of requirementsOf(schema, document, policy)) {
    const verdict = satisfies(viewer, req);
    if (verdict === 'unauthenticated') {
      return new GraphQLError(`${coordinate} requires authentication`, {
        extensions: { code: ErrorCode.UNAUTHENTICATED },
      });
    }
    if (verdict === 'forbidden') {
      return new GraphQLError(
        `${coordinate} requires role ${req.scopes!.map((s) => s.join('+')).join(' or ')}`,
        {
          extensions: { code: ErrorCode.FORBIDDEN },
        },
      );
    }
  }
  return null;
}
