// The clustered topology end to end (docs/decisions/0012): Redis Cluster (three masters), Kafka
// topics with three partitions, two replicas of the router and of every subgraph, each its own
// process, behind HAProxy. Events caused through one router reach subscribers of the other;
// check-ins spread over both routers keep the headcount exact; a router and one replica of every
// subgraph killed mid-burst lose no check-in and no point.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkinEventV1,
  createKafka,
  createRedis,
  ensureTopics,
  redisKeys,
  redisReady,
  userStatsField,
  type RedisClient,
} from '@sport-venue/shared';
import {
  createTestDatabase,
  createTestRedis,
  eventually,
  testMongoUrl,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { startTopology, type Topology } from '../infra/topology.ts';
import { createUserDb } from '../subgraphs/user/src/user-store.ts';
import { startFakeWeChat } from '../subgraphs/user/src/wechat-fake.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import { BENCH_VENUE, createBenchVenue } from '../bench/support/harness.ts';
import { startTokenIssuer } from './support/token-issuer.ts';
import { subscribe, wsClient } from './support/ws-client.ts';
import { ensureWeChatUser } from '../subgraphs/user/src/user-store.ts';

const root = new URL('../', import.meta.url).pathname;
const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { replayed session { id } } }`;
const OCCUPANCY = `subscription($id: ID!) { occupancyChanged(venueId: $id) { currentCount } }`;

describe('the clustered topology', () => {
  let topology: Topology;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  let redis: RedisClient;
  let userDb: ReturnType<typeof createUserDb>;
  let venueDb: ReturnType<typeof createVenueDb>;
  const closers: Array<() => Promise<unknown>> = [];
  const tokens = new Map<string, string>();
  const topics = { checkin: uniqueId('checkin.events.'), points: uniqueId('points.commands.') };

  before(async () => {
    issuer = await startTokenIssuer();
    closers.push(() => issuer.stop());
    const [users, venues, testRedis] = await Promise.all([
      createTestDatabase('user'),
      createTestDatabase('venue'),
      createTestRedis(testServices.redisClusterUrl),
    ]);
    closers.push(users.drop, venues.drop);
    userDb = createUserDb(users.url, 4);
    venueDb = createVenueDb(venues.url, 4);
    closers.push(
      () => userDb.$disconnect(),
      () => venueDb.$disconnect(),
    );
    redis = createRedis(testRedis.url);
    await redisReady(redis);
    closers.push(async () => redis.disconnect());
    const wechat = await startFakeWeChat();
    closers.push(() => wechat.stop());

    // Created before any consumer subscribes, with the broker's num.partitions (4).
    await ensureTopics(createKafka(testServices.kafkaBrokers, 'cluster-test'), [
      topics.checkin,
      topics.points,
    ]);

    topology = await startTopology({
      root,
      replicas: 2,
      stateDir: `${process.env.SV_STATE_DIR ?? `${root}.state`}/cluster-e2e-${uniqueId('')}`,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        REDIS_URL: testRedis.url,
        KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
        PUBSUB_PREFIX: `${uniqueId('t')}:`,
        CHECKIN_EVENTS_TOPIC: topics.checkin,
        POINTS_COMMANDS_TOPIC: topics.points,
        USER_JWKS_URL: issuer.jwksUrl,
        RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
        RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
      },
      partEnv: {
        user: {
          USER_DATABASE_URL: users.url,
          WECHAT_API_BASE: wechat.url,
          POINTS_CONSUMER_GROUP: uniqueId('points-'),
          STATS_CONSUMER_GROUP: uniqueId('stats-'),
          POINTS_CONSUMER_SESSION_TIMEOUT_MS: '6000',
        },
        venue: {
          VENUE_DATABASE_URL: venues.url,
          BOOKING_EVENTS_TOPIC: uniqueId('booking.events.'),
          CHECKIN_RATE_LIMIT: '1000',
        },
        social: {
          MONGO_URL: testMongoUrl('social'),
          PK_CONSUMER_GROUP: uniqueId('pk-'),
          PK_CONSUMER_SESSION_TIMEOUT_MS: '6000',
        },
      },
    });
    closers.push(() => topology.stop());
  });
  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  });

  /** Users that exist in the user subgraph (points need an account), with access tokens. */
  async function newUsers(n: number) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const user = await ensureWeChatUser(userDb, { openid: uniqueId('o-') });
      const id = user.id.toString();
      tokens.set(id, await issuer.sign({ sub: id }));
      ids.push(id);
    }
    return ids;
  }

  /**
   * A check-in as a mini-program sends it: retried with the same idempotency key until the graph
   * answers without error (a replica may die under it; the key makes the retry safe).
   */
  async function checkIn(url: string, userId: string, venueId: string, key = uniqueId('idem-')) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(userId)}` },
          body: JSON.stringify({
            query: CHECK_IN,
            variables: { input: { venueId, ...BENCH_VENUE, accuracyM: 10, idempotencyKey: key } },
          }),
        });
        const body = (await res.json()) as {
          data?: unknown;
          errors?: Array<{ extensions?: { code?: string } }>;
        };
        if (res.ok && !body.errors) return body;
        if (Date.now() > deadline) throw new Error(`check-in kept failing: ${JSON.stringify(body)}`);
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const routerUrl = (index: number) =>
    `http://127.0.0.1:${topology.replicas.find((r) => r.part === 'router' && r.index === index)!.port}`;
  const headcount = async (venueId: string) =>
    Number((await redis.get(redisKeys.venueCurrent(venueId))) ?? 0);

  it('a subscription opened on router A receives the check-in made through router B', async () => {
    const venueId = await createBenchVenue(venueDb, uniqueId('sub-'));
    const [watcher] = await newUsers(1);
    const { client } = wsClient(routerUrl(0), { authorization: `Bearer ${tokens.get(watcher!)}` });
    try {
      const received = subscribe<{ data: { occupancyChanged: { currentCount: number } } }>(
        client,
        OCCUPANCY,
        {
          id: venueId,
        },
      );
      // The subscription is live once the router listens; keep checking in users until one arrives.
      const event = received.next(60_000);
      await eventually(
        async () => {
          if (received.results.length > 0) return true;
          const [u] = await newUsers(1);
          await checkIn(routerUrl(1), u!, venueId);
          return received.results.length > 0;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      assert.ok((await event).data.occupancyChanged.currentCount >= 1);
    } finally {
      await client.dispose();
    }
  });

  it('check-ins spread over both routers keep the headcount exact', async () => {
    const venueId = await createBenchVenue(venueDb, uniqueId('spread-'));
    const users = await newUsers(40);
    await Promise.all(users.map((u, i) => checkIn(routerUrl(i % 2), u, venueId)));
    assert.equal(await headcount(venueId), 40);
  });

  /** Distinct check-in sessions and event ids of CHECKED_IN events of a venue, read back from the topic. */
  async function checkedInEvents(venueId: string, expected: number, timeoutMs = 60_000) {
    const consumer = createKafka(testServices.kafkaBrokers, 'cluster-test').consumer({
      groupId: uniqueId('cluster-read-'),
      sessionTimeout: 6000,
    });
    const sessions = new Set<string>();
    const ids = new Set<string>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: topics.checkin, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = checkinEventV1.parse(JSON.parse(message.value!.toString()));
          if (event.type !== 'CHECKED_IN' || event.venueId !== venueId) return;
          sessions.add(event.sessionId);
          ids.add(event.id);
        },
      });
      await eventually(() => sessions.size >= expected, { timeoutMs, intervalMs: 500 }).catch(
        () => undefined,
      );
      // A little longer: a doubled check-in would show as one session more.
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      await consumer.disconnect();
    }
    return { sessions: sessions.size, ids: ids.size };
  }

  it('killing one router and one replica of every subgraph mid-burst loses no check-in and no point', async () => {
    const venueId = await createBenchVenue(venueDb, uniqueId('kill-'));
    const users = await newUsers(60);
    // Watching through the router that survives: the venue's events keep coming after the kill.
    const [watcher] = await newUsers(1);
    const { client } = wsClient(routerUrl(1), { authorization: `Bearer ${tokens.get(watcher!)}` });
    const occupancy = subscribe<{ data: { occupancyChanged: { currentCount: number } } }>(client, OCCUPANCY, {
      id: venueId,
    });
    closers.push(async () => client.dispose());
    // Subscribed once an event arrives: check-ins before the burst until one does, each by a user of
    // its own (the router may take a while to make the subscription live on a busy machine, and a
    // second check-in of one user at one venue is refused).
    let earlyCheckIns = 0;
    await eventually(
      async () => {
        if (occupancy.results.length > 0) return true;
        const [early] = await newUsers(1);
        earlyCheckIns += 1;
        await checkIn(routerUrl(1), early!, venueId);
        return occupancy.results.length > 0;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const total = users.length + earlyCheckIns;
    const burst = users.map(async (u, i) => {
      await new Promise((r) => setTimeout(r, i * 40)); // spread over ~2.4 s
      return checkIn(topology.routerUrl, u, venueId);
    });
    await new Promise((r) => setTimeout(r, 800));
    await Promise.all(
      (['router', 'user', 'venue', 'social', 'prediction'] as const).map((p) => topology.kill(p, 0)),
    );
    await Promise.all(burst);

    // A change whose replica died between its steps is finished by the survivor's journal sweep.
    await eventually(async () => (await headcount(venueId)) === total, {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    let accounts: Array<{ userId: bigint; balance: number }> = [];
    await eventually(
      async () => {
        accounts = await userDb.pointsAccount.findMany({ where: { userId: { in: users.map(BigInt) } } });
        return accounts.length === 60 && accounts.every((a) => a.balance === 10);
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    ).catch(async (err: Error) => {
      // Where the missing points stopped: not written, not relayed, not consumed, or applied twice.
      const balances = Object.groupBy(accounts, (a) => String(a.balance));
      const stage = {
        accounts: accounts.length,
        balances: Object.fromEntries(Object.entries(balances).map(([b, list]) => [b, list!.length])),
        sessionRows: await venueDb.checkIn.count({ where: { venueId: BigInt(venueId) } }),
        outboxUnpublished: await venueDb.outboxEvent.count({ where: { publishedAt: null } }),
        onTopic: await checkedInEvents(venueId, total, 10_000),
        ledgerEntries: await userDb.pointsEntry.count({ where: { userId: { in: users.map(BigInt) } } }),
      };
      throw new Error(`${err.message}; ${JSON.stringify(stage)}`);
    });
    // Each check-in counts in the Shanghai week it was made in (its session's start, the event's
    // time), not the week of whenever this line runs: the burst may end just before Monday 00:00.
    const startedAt = new Map(
      (
        await venueDb.checkIn.findMany({
          where: { venueId: BigInt(venueId), userId: { in: users.map(BigInt) } },
          select: { userId: true, startedAt: true },
        })
      ).map((s) => [s.userId.toString(), s.startedAt]),
    );
    assert.equal(startedAt.size, users.length, 'one session per user');
    await eventually(
      async () => {
        const counts = await Promise.all(
          users.map((u) =>
            redis.hget(redisKeys.userStats(u), userStatsField('checkins', 'week', startedAt.get(u)!)),
          ),
        );
        return counts.every((c) => c === '1');
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    // Counted where each lives: headcount in Redis, sessions in MariaDB, one ledger entry per
    // user, one event per session on the topic, and the subscriber saw the final count.
    assert.equal(await headcount(venueId), total, 'still exact after every sweep');
    assert.equal(await venueDb.checkIn.count({ where: { venueId: BigInt(venueId) } }), total);
    const entries = await userDb.pointsEntry.findMany({ where: { userId: { in: users.map(BigInt) } } });
    assert.deepEqual(
      entries.map((e) => [e.userId.toString(), e.delta]).sort(),
      users.map((u) => [u, 10]).sort(),
    );
    assert.deepEqual(await checkedInEvents(venueId, total), { sessions: total, ids: total });
    await eventually(() => occupancy.results.some((r) => r.data.occupancyChanged.currentCount === total), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  });
});
