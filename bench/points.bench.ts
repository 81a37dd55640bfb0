// `npm run bench -- points [--events 20000] [--users 1000]`: how many check-in events per second
// one points consumer applies to the ledger (Kafka → MariaDB, exactly-once effect), on a fresh
// database and fresh topics of the running infrastructure. Every event earns points (one per user
// and Asia/Shanghai day, consecutive days, so streak bonuses are written too). For scale, the same
// run measures plain single-row INSERTs and one-event-per-transaction ledger writes on the same DB.
import { randomUUID } from 'node:crypto';
import {
  createKafka,
  createLogger,
  nextId,
  nextUserId,
  withMariadbConnection,
  type CheckinEvent,
} from '@sport-venue/shared';
import { shardServers, shardUrl } from '@sport-venue/shared/migrations';
import { createTestDatabase, testServices, uniqueId } from '@sport-venue/shared/testing';
import { createPointsConsumer } from '../subgraphs/user/src/points-consumer.ts';
import { applyLedgerInputs } from '../subgraphs/user/src/points-ledger.ts';
import { createUserDb } from '../subgraphs/user/src/user-store.ts';
import { option, round } from './support/harness.ts';

const EVENTS = option('events', 20_000);
const USERS = option('users', 1_000);
const HOT_EVENTS = option('hot-user-events', 5_000);
const PARTITIONS = 4;
const rules = {
  perCheckin: 10,
  dailyCap: 3,
  streakBonuses: [
    { days: 3, points: 20 },
    { days: 7, points: 50 },
    { days: 30, points: 200 },
  ],
};

const log = (message: string) => process.stderr.write(`${message}\n`);
const database = await createTestDatabase('user');
const db = createUserDb(database.url, 8);
const kafka = createKafka(testServices.kafkaBrokers, uniqueId('points-bench-'));
const admin = kafka.admin();
const producer = kafka.producer();
const topics: string[] = [];

async function produceCheckins(userIds: bigint[], perUser: number, partitionOf: (i: number) => number) {
  const pair = { checkinEvents: uniqueId('bench.checkin.'), pointsCommands: uniqueId('bench.points.') };
  await admin.createTopics({
    topics: Object.values(pair).map((topic) => ({ topic, numPartitions: PARTITIONS })),
    waitForLeaders: true,
  });
  topics.push(...Object.values(pair));
  const messages: Array<{ partition: number; value: string }> = [];
  let i = 0;
  for (let day = 0; day < perUser; day++) {
    for (const [u, userId] of userIds.entries()) {
      const event: CheckinEvent = {
        v: 1,
        id: randomUUID(),
        type: 'CHECKED_IN',
        userId: userId.toString(),
        venueId: '1',
        cityCode: '310000',
        sessionId: randomUUID(),
        at: new Date(Date.UTC(2026, 0, 1 + day, 4)).toISOString(),
        counted: true,
        source: 'GPS',
      };
      messages.push({ partition: partitionOf(userIds.length === 1 ? i : u), value: JSON.stringify(event) });
      i++;
    }
  }
  for (let start = 0; start < messages.length; start += 5_000) {
    await producer.send({ topic: pair.checkinEvents, messages: messages.slice(start, start + 5_000) });
  }
  return { pair, count: messages.length };
}

/** Runs one consumer over the topics until every message is applied; events per second. */
async function consume(pair: { checkinEvents: string; pointsCommands: string }, count: number) {
  const consumer = createPointsConsumer({
    kafka,
    db,
    rules,
    topics: pair,
    groupId: uniqueId('bench-points-'),
    logger: createLogger('points-bench', 'warn'),
    sessionTimeoutMs: 6_000,
  });
  await consumer.start();
  let first = 0;
  while (consumer.stats.messages < count) {
    if (!first && consumer.stats.messages > 0) first = performance.now();
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - first) / 1000;
  await consumer.stop();
  return {
    events: count,
    entriesWritten: consumer.stats.entriesWritten,
    seconds: round(seconds),
    eventsPerSecond: Math.round(count / seconds),
  };
}

try {
  await Promise.all([admin.connect(), producer.connect()]);
  // Separate users per measurement: the references must not touch the streaks the runs rely on.
  const REF_USERS = 100;
  await db.user.createMany({
    data: Array.from({ length: USERS + REF_USERS + 1 }, (_, i) => ({
      id: nextUserId(),
      openid: `o-bench-${i}`,
    })),
  });
  const users = (await db.user.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((u) => u.id);
  const hotUser = users[0]!;
  const refUsers = users.slice(1, 1 + REF_USERS);
  const crowd = users.slice(1 + REF_USERS);

  // Reference 1: autocommit single-row INSERTs, one after another, into a copy of the ledger
  // table (same columns and indexes) so the ledger itself stays consistent. Behind a Spider front
  // (docs/decisions/0021) the copy must name its own table on the shards, not PointsEntry.
  await db.$executeRaw`CREATE TABLE BenchInsert LIKE PointsEntry`;
  const shards = await shardServers(database.url);
  for (const shard of shards)
    await withMariadbConnection(shardUrl(database.url, shard), (conn) =>
      conn.query('CREATE TABLE BenchInsert LIKE PointsEntry'),
    );
  if (shards.length > 0)
    await db.$executeRawUnsafe(
      `ALTER TABLE BenchInsert COMMENT = 'wrapper "mysql", database "${database.database}", table "BenchInsert"'`,
    );
  const refRows = 2_000;
  let t = performance.now();
  for (let i = 0; i < refRows; i++) {
    await db.$executeRaw`INSERT INTO BenchInsert (id, userId, delta, kind, reason, idempotencyKey, balanceAfter)
      VALUES (${nextId()}, ${refUsers[0]!}, 1, 'ADJUST', 'BENCH', ${`ref:${i}`}, ${i + 1})`;
  }
  const singleRowInsertsPerSecond = Math.round(refRows / ((performance.now() - t) / 1000));

  // Reference 2: the ledger's own transaction with one event per transaction, no Kafka (what the
  // consumer would do without batching).
  const txEvents = 1_000;
  t = performance.now();
  for (let i = 0; i < txEvents; i++) {
    await applyLedgerInputs(
      db,
      refUsers[i % refUsers.length]!,
      [{ type: 'CHECKIN', eventId: randomUUID(), at: new Date(Date.UTC(2030, 0, 1 + i, 4)) }],
      rules,
    );
  }
  const oneEventTransactionsPerSecond = Math.round(txEvents / ((performance.now() - t) / 1000));

  log(`producing ${EVENTS} events for ${crowd.length} users …`);
  const spread = await produceCheckins(crowd, Math.ceil(EVENTS / crowd.length), (u) => u % PARTITIONS);
  log('consuming …');
  const manyUsers = await consume(spread.pair, spread.count);

  log(`producing ${HOT_EVENTS} events for one user on ${PARTITIONS} partitions …`);
  const hot = await produceCheckins([hotUser], HOT_EVENTS, (i) => i % PARTITIONS);
  const oneUser = await consume(hot.pair, hot.count);

  const check = await db.$queryRaw<Array<{ bad: bigint }>>`
    SELECT COUNT(*) AS bad FROM PointsAccount a
    WHERE a.balance <> (SELECT COALESCE(SUM(delta), 0) FROM PointsEntry e WHERE e.userId = a.userId)`;

  console.log(
    JSON.stringify(
      {
        bench: 'points',
        consumer: { chunkSize: 500, partitionsConcurrently: 2, dbPool: 8 },
        manyUsers: { users: crowd.length, ...manyUsers },
        oneUserFourPartitions: oneUser,
        reference: { singleRowInsertsPerSecond, oneEventTransactionsPerSecond },
        accountsWhereSumOfDeltaDiffersFromBalance: Number(check[0]!.bad),
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      null,
      2,
    ),
  );
} finally {
  await admin.deleteTopics({ topics }).catch(() => {});
  await Promise.all([admin.disconnect(), producer.disconnect()]);
  await db.$disconnect();
  await database.drop();
}
