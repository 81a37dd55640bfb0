import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { parse, type GraphQLSchema } from 'graphql';
import { checkAccess, extractSecurityPolicy, withoutSecurityPurpose } from '../../src/security.ts';

const composed = composeServices([
  {
    name: 'a',
    url: 'http://127.0.0.1:1/graphql',
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes"])
      type Query {
        venue(id: ID!): Venue
        me: Profile @authenticated
        audit: [String!]! @requiresScopes(scopes: [["ADMIN"], ["VENUE_OPERATOR", "USER"]])
      }
      type Venue @key(fields: "id") { id: ID! name: String! revenue: Int @requiresScopes(scopes: [["ADMIN"]]) }
      type Profile @authenticated { id: ID! }
    `),
  },
]);
if (composed.errors) throw composed.errors[0];
const supergraph = composed.supergraphSdl;
const policy = extractSecurityPolicy(supergraph);

async function apiSchema(): Promise<GraphQLSchema> {
  const gateway = new ApolloGateway({ supergraphSdl: withoutSecurityPurpose(supergraph) });
  const { schema } = await gateway.load();
  await gateway.stop();
  return schema;
}

const user = { userId: '1', roles: ['USER' as const], venueIds: [] };
const admin = { userId: '2', roles: ['ADMIN' as const], venueIds: [] };
const operator = { userId: '3', roles: ['USER' as const, 'VENUE_OPERATOR' as const], venueIds: ['9'] };

describe('@authenticated and @requiresScopes at the router', () => {
  it('the gateway accepts the supergraph once the SECURITY purpose is removed', async () => {
    assert.ok(await apiSchema());
  });

  it('public fields need no token', async () => {
    const schema = await apiSchema();
    assert.equal(checkAccess(schema, parse('{ venue(id: "1") { name } }'), policy, null), null);
  });

  it('an @authenticated field refuses anonymous callers with UNAUTHENTICATED', async () => {
    const schema = await apiSchema();
    const error = checkAccess(schema, parse('{ me { id } }'), policy, null);
    assert.equal(error?.extensions.code, 'UNAUTHENTICATED');
    assert.equal(checkAccess(schema, parse('{ me { id } }'), policy, user), null);
  });

  it('a field returning an @authenticated type is protected too, even through fragments', async () => {
    const schema = await apiSchema();
    const doc = parse('query { ...F } fragment F on Query { me { id } }');
    assert.equal(checkAccess(schema, doc, policy, null)?.extensions.code, 'UNAUTHENTICATED');
  });

  it('@requiresScopes is an OR of AND-sets of roles; a missing role is FORBIDDEN', async () => {
    const schema = await apiSchema();
    const audit = parse('{ audit }');
    assert.equal(checkAccess(schema, audit, policy, user)?.extensions.code, 'FORBIDDEN');
    assert.equal(checkAccess(schema, audit, policy, admin), null);
    assert.equal(checkAccess(schema, audit, policy, operator), null);
    assert.equal(checkAccess(schema, audit, policy, null)?.extensions.code, 'UNAUTHENTICATED');
  });

  it('a protected field nested under a public one is still checked', async () => {
    const schema = await apiSchema();
    const doc = parse('{ venue(id: "1") { name revenue } }');
    assert.equal(checkAccess(schema, doc, policy, operator)?.extensions.code, 'FORBIDDEN');
    assert.equal(checkAccess(schema, doc, policy, admin), null);
  });

  it('a reloaded policy applies to a document already checked under the previous one', async () => {
    const schema = await apiSchema();
    const doc = parse('{ venue(id: "1") { name revenue } }');
    assert.equal(checkAccess(schema, doc, policy, null)?.extensions.code, 'UNAUTHENTICATED');
    // The same document (as Apollo's document cache hands it back) under a policy without @requiresScopes.
    const relaxed = extractSecurityPolicy(supergraph.replace(/ @requiresScopes\(scopes: \[\["[^)]*\)/g, ''));
    assert.equal(checkAccess(schema, doc, relaxed, null), null);
    assert.equal(checkAccess(schema, doc, policy, null)?.extensions.code, 'UNAUTHENTICATED');
  });
});
