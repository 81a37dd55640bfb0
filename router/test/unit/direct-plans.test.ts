// Which operations the router serves itself (router/src/direct-fetch.ts, docs/decisions/0034): the
// plans are learned from a real ApolloGateway planning our supergraph, so a planner that starts
// shaping these fetches differently (adding fields, renaming) takes them off the direct path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createDirectPlans } from '../../src/direct-fetch.ts';
import { DEFAULT_SUPERGRAPH } from '../../src/gateway.ts';
import { withoutSecurityPurpose } from '../../src/security.ts';

const CHECK_IN = 'mutation($input: CheckInInput!) { checkIn(input: $input) { session { id counted } } }';

/** A gateway on the real supergraph whose subgraphs answer `{ data: null }`: only its plans matter. */
async function withGateway(
  run: (
    plans: ReturnType<typeof createDirectPlans>,
    execute: (query: string, operationName?: string) => Promise<void>,
  ) => Promise<void>,
  maxEntries?: number,
) {
  const plans = createDirectPlans({ maxEntries });
  const fetched: string[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityPurpose(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')),
    experimental_didResolveQueryPlan: plans.learn,
    buildService: ({ name }) => ({
      process: async ({ request }) => {
        fetched.push(`${name}: ${request.query}`);
        return { data: null };
      },
    }),
  });
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => plans.schemaChanged(apiSchema));
  const server = new ApolloServer({ gateway });
  await server.start();
  try {
    await run(plans, async (query, operationName) => {
      await server.executeOperation({
        query,
        operationName,
        variables: {
          s: true,
          input: { venueId: '1', lat: 31.2, lng: 121.4, accuracyM: 10, idempotencyKey: 'k1' },
        },
      });
    });
  } finally {
    await server.stop();
  }
}

/** The plan's subgraph (a plan holds the schema: never handed to assert, whose diff would walk it). */
const subgraphOf = (plans: ReturnType<typeof createDirectPlans>, name: string | undefined, query: string) =>
  plans.find(name, query)?.subgraph ?? null;

describe('direct plans', () => {
  it('a check-in is one venue fetch of the client’s own selection: served directly', async () => {
    await withGateway(async (plans, execute) => {
      assert.equal(
        subgraphOf(plans, undefined, CHECK_IN),
        null,
        'nothing is known before the gateway planned it',
      );
      await execute(CHECK_IN);
      const plan = plans.find(undefined, CHECK_IN);
      assert.ok(plan !== null);
      assert.equal(plan.subgraph, 'venue');
      assert.deepEqual(plan.variableUsages, ['input']);
      assert.equal(plan.operation.operation, 'mutation');
    });
  });

  it('a named operation is found by its name only', async () => {
    const query = 'query A { cities { code name } } query B { cities { code } }';
    await withGateway(async (plans, execute) => {
      await execute(query, 'B');
      assert.ok(subgraphOf(plans, 'B', query));
      assert.equal(subgraphOf(plans, 'A', query), null);
      assert.equal(subgraphOf(plans, undefined, query), null);
      assert.equal(subgraphOf(plans, '', query), null);
    });
  });

  // Plans the gateway's executor still has work on: left to it.
  for (const [what, query] of [
    ['a query across two subgraphs', '{ venues(first: 2) { edges { node { id name challenges { id } } } } }'],
    ['a result the gateway completes itself (a root __typename)', '{ __typename cities { code } }'],
    [
      'a root field under @skip (a conditional plan)',
      'query($s: Boolean!) { cities @skip(if: $s) { code } }',
    ],
    ['a fetch the planner reorders (__typename first)', '{ cities { code __typename } }'],
    // The planner merges the repeated field; inlined as written, the fragment repeats it.
    ['a fragment repeating a field beside it', '{ cities { code ...C } } fragment C on City { code name }'],
    // Seen with gateway 2.14: the nested fragment's fields come first in the fetch.
    [
      'nested fragments the planner orders otherwise',
      '{ cities { ...C } } fragment C on City { code ...N } fragment N on City { name timeZone }',
    ],
    [
      'a fragment spread under a directive',
      'query($s: Boolean!) { cities { ...C @skip(if: $s) } } fragment C on City { code }',
    ],
    ['a variable the operation declares but does not use', 'query($unused: String) { cities { code } }'],
  ] as const) {
    it(`${what} is left to the gateway`, async () => {
      await withGateway(async (plans, execute) => {
        await execute(query);
        assert.equal(subgraphOf(plans, undefined, query), null);
      });
    });
  }

  it('fragments the planner inlines, nested ones too, are served directly', async () => {
    const query =
      '{ cities { ...C } venues(first: 2) { edges { node { ...V } } } } ' +
      'fragment C on City { code ...N } fragment N on City { name } fragment V on Venue { id city { ...C } }';
    await withGateway(async (plans, execute) => {
      await execute(query);
      assert.equal(subgraphOf(plans, undefined, query), 'venue');
    });
  });

  it('field directives and aliases stay in the fetch: served directly', async () => {
    const query = 'query($s: Boolean!) { c: cities { code name @skip(if: $s) } }';
    await withGateway(async (plans, execute) => {
      await execute(query);
      assert.equal(subgraphOf(plans, undefined, query), 'venue');
      assert.deepEqual(plans.find(undefined, query)?.variableUsages, ['s']);
    });
  });

  it('a new API schema (a reloaded supergraph) forgets every plan', async () => {
    await withGateway(async (plans, execute) => {
      await execute(CHECK_IN);
      assert.ok(subgraphOf(plans, undefined, CHECK_IN));
      const reloaded = new ApolloGateway({
        supergraphSdl: withoutSecurityPurpose(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')),
      });
      const { schema } = await reloaded.load();
      plans.schemaChanged(schema);
      assert.equal(subgraphOf(plans, undefined, CHECK_IN), null);
      // A request still running on the old schema teaches nothing about the new one.
      await execute(CHECK_IN);
      assert.equal(subgraphOf(plans, undefined, CHECK_IN), null);
      await reloaded.stop();
    });
  });

  it('holds at most maxEntries texts, the oldest forgotten first', async () => {
    const texts = ['{ cities { code } }', '{ cities { name } }', '{ cities { code name } }'];
    await withGateway(async (plans, execute) => {
      for (const text of texts) await execute(text);
      assert.equal(plans.size(), 2);
      assert.equal(subgraphOf(plans, undefined, texts[0]!), null);
      assert.ok(subgraphOf(plans, undefined, texts[1]!));
      assert.ok(subgraphOf(plans, undefined, texts[2]!));
    }, 2);
  });
});
