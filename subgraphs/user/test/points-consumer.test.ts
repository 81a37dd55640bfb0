// The points consumer against real Kafka and MariaDB: at-least-once delivery, exactly-once effect.
// A consumer process is killed mid-batch and restarted, the whole topic is replayed, and one user's
// events arrive on four partitions at once; every time the balances come out exact.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createKafka, createLogger, type CheckinEvent, type PointsCommand } from '@sport-venue/shared';
import { createTestDatabase, eventually, testServices, uniqueId } from '@sport-venue/shared/testing';
import type { Admin, Producer } from 'kafkajs';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { createPointsConsumer } from '../src/points-consumer.ts';
import { createUserDb } from '../src/user-store.ts';
import { ensureWeChatUser } from '../src/user-store.ts';
import { nextUserId } from '@sport-venue/shared';

const ROOT = new URL('../../../', import.meta.url).pathname;
const PARTITIONS = 4;
const rules = { perCheckin: 10, dailyCap: 3, streakBonuses: [{ days: 3, points: 20 }] };

interface Sent {
  topic: string;
  partition: number;
  value: string;
  /** Idempotency key of the ledger entry the message may cause. */
  key: string;
}

/** A counted check-in at noon Asia/Shanghai, `day` days after 2026-01-01. */
function checkin(userId: bigint, day: number, id = randomUUID()): CheckinEvent {
  return {
    v: 1,
    id,
    type: 'CHECKED_IN',
    userId: userId.toString(),
    venueId: '1',
    cityCode: '310000',
    sessionId: randomUUID(),
    at: new Date(Date.UTC(2026, 0, 1 + day, 4)).toISOString(),
    counted: true,
    source: 'GPS',
  };
}

function pkReward(userId: bigint, challenge: string, delta: number): PointsCommand {
  return {
    v: 1,
    id: randomUUID(),
    userId: userId.toString(),
    kind: 'EARN',
    delta,
    reason: 'PK_REWARD',
    idempotencyKey: `pk:${challenge}:reward:${userId}`,
    at: new Date().toISOString(),
  };
}

/** Sends per partition in order; returns each message's offset (for "what was committed?"). */
async function produce(producer: Producer, messages: Sent[]) {
  const offsets = new Map<Sent, bigint>();
  const byTarget = new Map<string, Sent[]>();
  for (const m of messages) {
    const target = `${m.topic}\u0000${m.partition}`;
    byTarget.set(target, [...(byTarget.get(target) ?? []), m]);
  }
  await Promise.all(
    [...byTarget.values()].map(async (list) => {
      const [meta] = await producer.send({
        topic: list[0]!.topic,
        messages: list.map((m) => ({ value: m.value, partition: m.partition })),
      });
      list.forEach((m, i) => offsets.set(m, BigInt(meta!.baseOffset!) + BigInt(i)));
    }),
  );
  return offsets;
}

async function consumedEverything(admin: Admin, groupId: string, topics: string[]) {
  const committed = await admin.fetchOffsets({ groupId, topics });
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      if (BigInt(done) < BigInt(end.high)) return false;
    }
  }
  return true;
}

/** Sum of the group's committed offsets over the topics' partitions: it grows as work is done. */
async function committedTotal(admin: Admin, groupId: string, topics: string[]) {
  let total = 0n;
  for (const { partitions } of await admin.fetchOffsets({ groupId, topics }))
    for (const p of partitions) total += BigInt(p.offset) > 0n ? BigInt(p.offset) : 0n;
  return total;
}

/** Polls `done` until it holds; fails only once `progress` has not grown for `stallMs`. */
async function whileProgressing(
  done: () => Promise<boolean>,
  progress: () => Promise<bigint>,
  stallMs = 60_000,
) {
  let last = -1n;
  let since = Date.now();
  for (;;) {
    if (await done()) return;
    const now = await progress();
    if (now > last) [last, since] = [now, Date.now()];
    else if (Date.now() - since > stallMs)
      throw new Error(`no progress for ${stallMs} ms (committed offsets sum to ${now})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface LedgerSnapshot {
  entries: number;
  maxId: bigint;
  balances: Map<string, number>;
}

/** Every invariant of the ledger, per user; returns what it saw. */
async function checkLedger(db: PrismaClient): Promise<LedgerSnapshot> {
  const entries = await db.pointsEntry.findMany({ orderBy: { id: 'asc' } });
  const accounts = await db.pointsAccount.findMany();
  const running = new Map<string, number>();
  const earned = new Map<string, number>();
  for (const e of entries) {
    const user = e.userId.toString();
    const balance = (running.get(user) ?? 0) + e.delta;
    assert.equal(e.balanceAfter, balance, `balanceAfter chain of user ${user} at entry ${e.id}`);
    running.set(user, balance);
    if (e.kind === 'EARN') earned.set(user, (earned.get(user) ?? 0) + e.delta);
  }
  for (const a of accounts) {
    const user = a.userId.toString();
    assert.equal(a.balance, running.get(user) ?? 0, `sum(delta) == balance for user ${user}`);
    assert.equal(a.lifetimeEarned, earned.get(user) ?? 0, `lifetimeEarned of user ${user}`);
  }
  assert.equal(new Set(entries.map((e) => `${e.userId}:${e.idempotencyKey}`)).size, entries.length);
  return {
    entries: entries.length,
    maxId: entries.at(-1)?.id ?? 0n,
    balances: new Map(accounts.map((a) => [a.userId.toString(), a.balance])),
  };
}

function startConsumerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['subgraphs/user/src/points-consumer.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, stderr: () => stderr };
}

const signal = (child: ChildProcess, name: NodeJS.Signals) => child.kill(name);

describe('points consumer (Kafka → ledger)', () => {
  const kafka = createKafka(testServices.kafkaBrokers, uniqueId('points-test-'));
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const topics: string[] = [];
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: PrismaClient;

  const newTopics = async () => {
    const pair = { checkinEvents: uniqueId('checkin.events.'), pointsCommands: uniqueId('points.commands.') };
    await admin.createTopics({
      topics: Object.values(pair).map((topic) => ({ topic, numPartitions: PARTITIONS })),
      waitForLeaders: true,
    });
    topics.push(...Object.values(pair));
    return pair;
  };

  before(async () => {
    database = await createTestDatabase('user');
    db = createUserDb(database.url);
    await Promise.all([admin.connect(), producer.connect()]);
  });

  after(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await db?.$disconnect();
    await database?.drop();
  });

  describe('a consumer killed in the middle of a batch, restarted, then a replay of everything', () => {
    const groupId = uniqueId('user-points-');
    let topicPair: { checkinEvents: string; pointsCommands: string };
    let expected: Map<string, number>;
    let expectedEntries: number;
    let produced: number;

    before(async () => {
      topicPair = await newTopics();
    });

    it('applies every event exactly once although the consumer died with uncommitted work', async () => {
      await db.user.createMany({
        data: Array.from({ length: 400 }, (_, i) => ({ id: nextUserId(), openid: `o-kill-${i}` })),
      });
      const users = (await db.user.findMany({ where: { openid: { startsWith: 'o-kill-' } } })).map(
        (u) => u.id,
      );
      const messages: Sent[] = [];
      const resends: Sent[] = [];
      users.forEach((userId, i) => {
        const partition = i % PARTITIONS;
        // Every other day: no streaks, so each check-in is worth exactly 10 points.
        for (let k = 0; k < 6; k++) {
          const event = checkin(userId, 2 * k);
          const sent = {
            topic: topicPair.checkinEvents,
            partition,
            value: JSON.stringify(event),
            key: `checkin:${event.id}`,
          };
          messages.push(sent);
          if (k === 2) resends.push({ ...sent }); // the producer's retry: same event again, later
        }
        const command = pkReward(userId, 'c-kill', 50);
        const sent = {
          topic: topicPair.pointsCommands,
          partition,
          value: JSON.stringify(command),
          key: command.idempotencyKey,
        };
        messages.push(sent, { ...sent });
      });
      expected = new Map(users.map((u) => [u.toString(), 6 * 10 + 50]));
      expectedEntries = users.length * 7;
      produced = messages.length + resends.length;
      const offsets = await produce(producer, [...messages, ...resends]);
      const firstOffset = new Map<string, { partition: number; topic: string; offset: bigint }>();
      for (const m of [...messages, ...resends]) {
        if (!firstOffset.has(m.key))
          firstOffset.set(m.key, { topic: m.topic, partition: m.partition, offset: offsets.get(m)! });
      }

      const env = {
        USER_DATABASE_URL: database.url,
        KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
        CHECKIN_EVENTS_TOPIC: topicPair.checkinEvents,
        POINTS_COMMANDS_TOPIC: topicPair.pointsCommands,
        POINTS_CONSUMER_GROUP: groupId,
        POINTS_CONSUMER_SESSION_TIMEOUT_MS: '6000',
        // Small transactions: a fetched batch spans many of them, with one offset commit at its end.
        POINTS_CONSUMER_CHUNK_SIZE: '25',
        POINTS_STREAK_BONUSES: '3:20',
      };
      const first = startConsumerProcess(env);
      // Freeze the consumer at random points until its database is ahead of its committed offsets
      // (effects written, offsets not): that is "in the middle of a batch". Then kill it.
      let aheadBy = 0;
      await eventually(
        async () => {
          if ((await db.pointsEntry.count()) === 0) return false;
          signal(first.child, 'SIGSTOP');
          const committed = await admin.fetchOffsets({ groupId, topics: Object.values(topicPair) });
          const done = (topic: string, partition: number) =>
            BigInt(
              committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === partition)
                ?.offset ?? '-1',
            );
          const entries = await db.pointsEntry.findMany({ select: { idempotencyKey: true } });
          assert.ok(entries.length < expectedEntries, 'the consumer finished before it could be interrupted');
          aheadBy = entries.filter((e) => {
            const at = firstOffset.get(e.idempotencyKey)!;
            return at.offset >= done(at.topic, at.partition);
          }).length;
          if (aheadBy > 0) return true;
          signal(first.child, 'SIGCONT');
          return false;
        },
        // Generous: it includes the child's start, which takes seconds on a busy machine.
        { timeoutMs: 60_000, intervalMs: 15 },
      ).catch((err: Error) => {
        signal(first.child, 'SIGKILL');
        throw new Error(`${err.message}\n${first.stderr()}`);
      });
      signal(first.child, 'SIGKILL');
      await first.exited;
      assert.ok(aheadBy > 0);

      const second = startConsumerProcess(env);
      try {
        // The dead member holds its partitions until its session (6 s) times out. A bound against
        // a hang, not a speed target: the rest of ~5,600 messages in 25-message transactions takes
        // over a minute on a starved machine, so it fails only when nothing moves for 60 s.
        await whileProgressing(
          () => consumedEverything(admin, groupId, Object.values(topicPair)),
          () => committedTotal(admin, groupId, Object.values(topicPair)),
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n${second.stderr()}`);
        });
      } finally {
        signal(second.child, 'SIGTERM');
        await second.exited;
      }

      const ledger = await checkLedger(db);
      assert.equal(ledger.entries, expectedEntries);
      for (const [user, balance] of expected)
        assert.equal(ledger.balances.get(user), balance, `user ${user}`);
    });

    it('replaying the whole topic from the beginning awards nothing twice', async () => {
      const before = await checkLedger(db);
      // A consumer group that has never read these topics starts at the beginning, as a rebuilt or
      // newly deployed consumer would.
      const replayGroup = uniqueId('user-points-replay-');
      const consumer = createPointsConsumer({
        kafka,
        db,
        rules,
        topics: topicPair,
        groupId: replayGroup,
        logger: createLogger('points-test', 'silent'),
        sessionTimeoutMs: 6_000,
      });
      await consumer.start();
      try {
        await eventually(() => consumedEverything(admin, replayGroup, Object.values(topicPair)), {
          timeoutMs: 30_000,
          intervalMs: 200,
        });
      } finally {
        await consumer.stop();
      }
      assert.equal(consumer.stats.messages, produced);
      assert.equal(consumer.stats.entriesWritten, 0);
      assert.deepEqual(await checkLedger(db), before);
    });
  });

  it('1,000 events for one user on 4 partitions at once: exact balance, sum(delta) == balance', async () => {
    const topicPair = await newTopics();
    const user = (await ensureWeChatUser(db, { openid: 'o-four-partitions' })).id;
    const messages: Sent[] = [];
    const events: CheckinEvent[] = [];
    // 225 days, every other day, 4 counted check-ins each: the cap of 3 leaves 675 awards.
    for (let d = 0; d < 225; d++) for (let k = 0; k < 4; k++) events.push(checkin(user, 2 * d));
    // 60 resent events, each on another partition than its first copy.
    const copies = events.slice(0, 60);
    const all = [...events, ...copies];
    all.forEach((event, i) =>
      messages.push({
        topic: topicPair.checkinEvents,
        partition: (i + (i >= events.length ? 1 : 0)) % PARTITIONS,
        value: JSON.stringify(event),
        key: `checkin:${event.id}`,
      }),
    );
    // 30 PK rewards of 20 points, 10 of them sent twice: 40 commands.
    const rewards = Array.from({ length: 30 }, (_, i) => pkReward(user, `c${i}`, 20));
    [...rewards, ...rewards.slice(0, 10)].forEach((command, i) =>
      messages.push({
        topic: topicPair.pointsCommands,
        partition: i % PARTITIONS,
        value: JSON.stringify(command),
        key: command.idempotencyKey,
      }),
    );
    assert.equal(messages.length, 1_000);
    await produce(producer, messages);

    const groupId = uniqueId('user-points-');
    const consumer = createPointsConsumer({
      kafka,
      db,
      rules,
      topics: topicPair,
      groupId,
      logger: createLogger('points-test', 'silent'),
      sessionTimeoutMs: 6_000,
      // Every partition of both topics at once: up to eight transactions contend for one user.
      partitionsConcurrently: 2 * PARTITIONS,
      chunkSize: 50,
    });
    await consumer.start();
    try {
      await eventually(() => consumedEverything(admin, groupId, Object.values(topicPair)), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    } finally {
      await consumer.stop();
    }

    const ledger = await checkLedger(db);
    assert.equal(ledger.balances.get(user.toString()), 675 * 10 + 30 * 20);
    assert.equal(await db.pointsEntry.count({ where: { userId: user } }), 675 + 30);
    const days = await db.checkinDay.findMany({ where: { userId: user } });
    assert.equal(days.length, 225);
    assert.ok(days.every((d) => d.awarded === 3));
    const account = await db.pointsAccount.findUniqueOrThrow({ where: { userId: user } });
    assert.deepEqual([account.streakCurrent, account.streakLongest], [1, 1]);
  });
});
