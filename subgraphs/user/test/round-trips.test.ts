// No N+1 in the user subgraph: 20 user references with every field that reads a store cost the
// same SQL statements and Redis round trips as 2, counted on the subgraph's own Prisma client
// (query events) and Redis connection against the real MariaDB and Redis.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEV_IDENTITY_SECRET,
  IDENTITY_HEADER,
  mariadbAdapter,
  redisKeys,
  signIdentity,
  userStatsField,
} from '@sport-venue/shared';
import {
  countRedisRoundTrips,
  countSqlRoundTrips,
  createTestDatabase,
  createTestRedis,
  type RoundTripCounter,
} from '@sport-venue/shared/testing';
import { PrismaClient } from '../src/generated/prisma/client.ts';
import { startUserSubgraph } from '../src/index.ts';
import { testConfig } from './support.ts';
import { nextId } from '@sport-venue/shared';
import { ensureWeChatUser } from '../src/user-store.ts';

const N = 20;
let app: Awaited<ReturnType<typeof startUserSubgraph>>;
let drop: () => Promise<unknown>;
let sql: RoundTripCounter;
let redis: RoundTripCounter;
const ids: string[] = [];
const AT = new Date('2026-12-02T04:00:00Z');

const QUERY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User {
  id nickname roles operatedVenues { id }
  points { balance lifetimeEarned history(first: 2) { edges { cursor node { id delta kind reason balanceAfter createdAt } } pageInfo { hasNextPage endCursor } } }
  streak { current }
  stats(period: WEEK, at: "${AT.toISOString()}") { checkins minutes }
} } }`;

before(async () => {
  const [database, store] = await Promise.all([createTestDatabase('user'), createTestRedis()]);
  drop = database.drop;
  const db = new PrismaClient({
    adapter: mariadbAdapter(database.url),
    log: [{ emit: 'event', level: 'query' }],
  });
  app = await startUserSubgraph(
    { ...testConfig({ USER_DATABASE_URL: database.url, REDIS_URL: store.url }), USER_PORT: 0 },
    { db },
  );
  for (let i = 0; i < N; i++) {
    const user = await ensureWeChatUser(db, { openid: `o-trips-${i}`, nickname: `用户${i}` });
    ids.push(user.id.toString());
    for (let k = 1; k <= 3; k++)
      await db.pointsEntry.create({
        data: {
          id: nextId(),
          userId: user.id,
          delta: k * 10 + i,
          kind: 'EARN',
          reason: `entry ${k}`,
          idempotencyKey: `trips:${i}:${k}`,
          balanceAfter: k * 10,
        },
      });
    await app.redis.hset(redisKeys.userStats(user.id), userStatsField('checkins', 'week', AT), i + 1);
  }
  sql = countSqlRoundTrips(db as never);
  redis = countRedisRoundTrips(app.redis);
});
after(async () => {
  await app?.stop();
  await drop?.();
});

async function tripsOf(n: number) {
  const reps = ids.slice(0, n).map((id) => ({ __typename: 'User', id }));
  const identity = await signIdentity(
    { userId: '1', roles: ['USER', 'ADMIN'], venueIds: [] },
    DEV_IDENTITY_SECRET,
  );
  sql.reset();
  redis.reset();
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
    body: JSON.stringify({ query: QUERY, variables: { reps } }),
  });
  const body = (await res.json()) as { data?: { _entities: Array<Record<string, any>> }; errors?: unknown }; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return { users: body.data!._entities, trips: { sql: sql.count(), redis: redis.count() } };
}

describe('store round trips of user lists', () => {
  it('20 user references with every field cost what 2 cost', async () => {
    const few = await tripsOf(2);
    const many = await tripsOf(N);
    assert.ok(few.trips.sql > 0 && few.trips.redis > 0, 'the counters see the store traffic');
    assert.deepEqual(many.trips, few.trips, `${N} users cost what 2 cost`);
    for (const [i, user] of many.users.entries()) {
      assert.equal(user.id, ids[i]);
      assert.deepEqual(
        user.points.history.edges.map((e: { node: { delta: number } }) => e.node.delta),
        [30 + i, 20 + i],
        "each user gets their own newest entries, not a neighbour's",
      );
      assert.equal(user.points.history.pageInfo.hasNextPage, true);
      const [newest] = user.points.history.edges;
      assert.equal(newest.node.kind, 'EARN');
      assert.ok(!Number.isNaN(Date.parse(newest.node.createdAt)), 'entries keep their timestamps');
      assert.equal(user.stats.checkins, i + 1);
    }
  });
});
