import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, execute, parse } from 'graphql';
import { payloadFieldResolver, type RunQuery } from '../../src/subscriptions/entity-fetch.ts';

// graphql-js builds results on null-prototype objects.
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

const schema = buildSchema(`
  type Query { venue(id: ID!): Venue }
  type Subscription { occupancyChanged(venueId: ID!): OccupancyUpdate! }
  type OccupancyUpdate { venueId: ID! currentCount: Int! venue: Venue }
  type Venue { id: ID! name: String! forecast(hours: Int): [Int!]! }
`);

function run(document: string, variables: Record<string, unknown> = {}) {
  const calls: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const runQuery: RunQuery = async (query, vars) => {
    calls.push({ query, variables: vars });
    // The graph answers with response keys: aliases where the subscriber used them.
    return query.includes('short: forecast')
      ? { data: { entity: { title: 'Pool', short: [1], long: [1, 2, 3] } } }
      : { data: { entity: { name: 'Pool', forecast: [1, 2] } } };
  };
  const result = execute({
    schema,
    document: parse(document),
    variableValues: variables,
    rootValue: { occupancyChanged: { venueId: '7', currentCount: 12 } },
    fieldResolver: payloadFieldResolver(runQuery),
  });
  return { result: result instanceof Promise ? result.then(plain) : Promise.resolve(plain(result)), calls };
}

describe('subscription payload resolution', () => {
  it('answers payload fields from the event without touching the graph', async () => {
    const { result, calls } = run('subscription { occupancyChanged(venueId: "7") { currentCount } }');
    assert.deepEqual(await result, { data: { occupancyChanged: { currentCount: 12 } } });
    assert.equal(calls.length, 0);
  });

  it('fetches an entity field by the payload key with the subscriber selection, variables and fragments', async () => {
    const { result, calls } = run(
      `subscription S($h: Int, $unused: Int) { occupancyChanged(venueId: "7") { n: currentCount venue { ...V forecast(hours: $h) } } }
       fragment V on Venue { name }`,
      { h: 3, unused: 1 },
    );
    assert.deepEqual(await result, {
      data: { occupancyChanged: { n: 12, venue: { name: 'Pool', forecast: [1, 2] } } },
    });
    assert.equal(calls.length, 1);
    const { query, variables } = calls[0]!;
    assert.match(query, /query SubscriptionEntity\(\$__entityId: ID!, \$h: Int\)/);
    assert.match(query, /entity: venue\(id: \$__entityId\)/);
    assert.match(query, /fragment V on Venue/);
    assert.doesNotMatch(query, /unused/);
    assert.deepEqual(variables, { h: 3, __entityId: '7' });
  });

  it('keeps the subscriber’s aliases inside fetched entities', async () => {
    const { result } = run(
      'subscription { occupancyChanged(venueId: "7") { venue { title: name short: forecast(hours: 1) long: forecast(hours: 3) } } }',
    );
    assert.deepEqual(await result, {
      data: { occupancyChanged: { venue: { title: 'Pool', short: [1], long: [1, 2, 3] } } },
    });
  });
});
