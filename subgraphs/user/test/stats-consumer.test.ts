// User.stats derived by the user subgraph from checkin.events, against real Kafka and Redis: a
// counted check-in adds one, a check-out its minutes, and a redelivered or replayed event nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  createKafka,
  createLogger,
  createRedis,
  type CheckinEvent,
  type RedisClient,
} from '@sport-venue/shared';
import { createTestRedis, eventually, testServices, uniqueId } from '@sport-venue/shared/testing';
import type { Producer } from 'kafkajs';
import { createStatsConsumer, type StatsConsumer } from '../src/stats-consumer.ts';
import { readUserStats } from '../src/stats.ts';

const kafka = createKafka(testServices.kafkaBrokers, 'stats-test');
const topic = uniqueId('checkin.events.');
const logger = createLogger('stats-test', 'silent');
let redis: RedisClient;
let producer: Producer;
const consumers: StatsConsumer[] = [];

const at = '2026-12-01T04:00:00.000Z';
const event = (userId: string, patch: Partial<CheckinEvent>): CheckinEvent => ({
  v: 1,
  id: randomUUID(),
  type: 'CHECKED_IN',
  userId,
  venueId: '7',
  cityCode: '310000',
  sessionId: randomUUID(),
  at,
  counted: true,
  source: 'GPS',
  ...patch,
});

async function consume(groupId: string) {
  const consumer = createStatsConsumer({ kafka, redis, topic, groupId, logger, sessionTimeoutMs: 6_000 });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

before(async () => {
  redis = createRedis((await createTestRedis()).url);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
});
after(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await producer?.disconnect();
  redis?.disconnect();
});

describe('stats from checkin.events', () => {
  it('adds counted check-ins and minutes once per event id, however often an event arrives', async () => {
    const userId = '4242';
    const counted = event(userId, {});
    const events = [
      counted,
      event(userId, { counted: false }),
      event(userId, { type: 'CHECKED_OUT', minutes: 47, reason: 'EXPLICIT' }),
      counted, // redelivered by the outbox relay
    ];
    await producer.send({
      topic,
      messages: events.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
    });
    const first = await consume(uniqueId('stats-'));
    await eventually(() => first.stats.applied + first.stats.duplicates >= 3, { timeoutMs: 60_000 });
    const stats = async () => {
      const [w, m] = await Promise.all([
        readUserStats(redis, userId, 'week', new Date(at)),
        readUserStats(redis, userId, 'month', new Date(at)),
      ]);
      return [w.checkins, w.minutes, m.checkins, m.minutes];
    };
    await eventually(async () => (await stats()).join() === '1,47,1,47', { timeoutMs: 30_000 });

    // A second group replays the whole topic (e.g. a new deployment): nothing is added twice.
    const replay = await consume(uniqueId('stats-'));
    await eventually(() => replay.stats.duplicates >= 3, { timeoutMs: 60_000 });
    assert.deepEqual(await stats(), [1, 47, 1, 47]);
  });
});
