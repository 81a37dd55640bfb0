// The shared consumer loop against the real broker: it consumes and commits what its handler
// finished, a restarted loop resumes after the committed offsets, and a stop that comes in the
// middle of a start leaves no member in the group and no connection open.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConsumerLoop, createKafka, createLogger, currentLogContext } from '@sport-venue/shared';
import { eventually, testServices, uniqueId } from '@sport-venue/shared/testing';

const logger = createLogger('consumer-loop-test', 'silent');

describe('consumer loop', () => {
  const kafka = createKafka(testServices.kafkaBrokers, uniqueId('loop-test-'), logger);
  const admin = kafka.admin();
  const producer = kafka.producer();
  const topics: string[] = [];

  const newTopic = async () => {
    const topic = uniqueId('loop.');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    topics.push(topic);
    return topic;
  };
  const send = (topic: string, values: string[]) =>
    producer.send({ topic, messages: values.map((value) => ({ key: value, value })) });
  const committed = async (groupId: string, topic: string) =>
    (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.reduce(
      (sum, p) => sum + Math.max(0, Number(p.offset)),
      0,
    );
  const traces: Array<string | undefined> = [];
  const loopOn = (topic: string, groupId: string, seen: string[]) =>
    createConsumerLoop({
      kafka,
      name: 'test consumer',
      groupId,
      topics: [topic],
      logger,
      sessionTimeoutMs: 6_000,
      maxWaitTimeInMs: 200,
      run: {
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          traces.push(currentLogContext()?.traceId);
        },
      },
    });

  before(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  after(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('consumes from the beginning, commits, and a restarted loop resumes after the committed offsets', async () => {
    const topic = await newTopic();
    const groupId = uniqueId('loop-group-');
    await send(topic, ['a', 'b', 'c']);
    const seen: string[] = [];
    const first = loopOn(topic, groupId, seen);
    await first.start();
    try {
      await eventually(async () => seen.length === 3 && (await committed(groupId, topic)) === 3, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
    } finally {
      await first.stop();
    }
    await send(topic, ['d', 'e']);
    const again: string[] = [];
    const second = loopOn(topic, groupId, again);
    await second.start();
    try {
      await eventually(async () => again.length === 2, { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      await second.stop();
    }
    assert.deepEqual(seen.sort(), ['a', 'b', 'c']);
    assert.deepEqual(again.sort(), ['d', 'e'], 'nothing committed came again');
    // Each message is a unit of work with a trace id of its own in its log lines.
    assert.equal(traces.length, 5);
    for (const t of traces) assert.match(String(t), /^[0-9a-f]{32}$/);
    assert.equal(new Set(traces).size, 5);
  });

  it('a stop during the start: the start settles, no member stays in the group, a later start is a no-op', async () => {
    const topic = await newTopic();
    const groupId = uniqueId('loop-group-');
    const seen: string[] = [];
    const loop = loopOn(topic, groupId, seen);
    const starting = loop.start();
    await loop.stop();
    await starting; // interrupted by stop(): not a failure
    const described = await admin.describeGroups([groupId]);
    assert.deepEqual(described.groups[0]?.members ?? [], []);
    await loop.start();
    await send(topic, ['late']);
    // Nobody consumes: a stopped loop does not start again.
    assert.equal((await admin.describeGroups([groupId])).groups[0]?.members.length ?? 0, 0);
    assert.deepEqual(seen, []);
  });

  it('startInBackground keeps trying while the broker is unreachable and stop() ends it', async () => {
    const unreachable = createKafka(['127.0.0.1:1'], uniqueId('loop-test-'), logger, {
      retry: { retries: 0 },
      connectionTimeout: 200,
    });
    const failures: unknown[] = [];
    const loop = createConsumerLoop({
      kafka: unreachable,
      name: 'test consumer',
      groupId: uniqueId('loop-group-'),
      topics: [uniqueId('loop.')],
      logger: {
        ...logger,
        info: () => {},
        error: (obj: unknown) => failures.push(obj),
      } as unknown as typeof logger,
      maxWaitTimeInMs: 200,
      run: { eachMessage: async () => {} },
    });
    loop.startInBackground();
    await eventually(() => failures.length >= 2, { timeoutMs: 30_000, intervalMs: 100 });
    await loop.stop();
    const after = failures.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(failures.length, after, 'no attempt after stop()');
  });
});
