// The shared Kafka client on a real broker: a healthy start (topic creation, producing, joining a
// consumer group on a fresh coordinator) logs no warning or error, and kafkajs's idle request
// queues do not spin a timer (which Node 24 reports as TimeoutNegativeWarning).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { createKafka, createLogger, ensureTopics, kafkaLogLevelOf } from '../src/index.ts';
import { testServices, uniqueId } from '../src/testing.ts';

function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('kafka-test', 'debug', 'json', destination) };
}

describe('shared Kafka client', () => {
  it('starts a producer and a consumer group with no warning or error line and no negative timers', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const { lines, logger } = capturingLogger();
    const kafka = createKafka(testServices.kafkaBrokers, uniqueId('client-test-'), logger);
    const topic = uniqueId('client-test.');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
    const consumer = kafka.consumer({ groupId: uniqueId('client-test-group-'), sessionTimeout: 6_000 });
    try {
      await ensureTopics(kafka, [topic]);
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<void>((resolve) => {
        void consumer.run({ eachMessage: async () => resolve() });
      });
      await received;
      // Idle connections for a while: the old request queue re-armed a negative timer every 1 ms.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((w) => w.startsWith('TimeoutNegativeWarning')),
      [],
    );
    const loud = lines.filter((l) => l.level >= 40).map((l) => l.msg);
    assert.deepEqual(loud, [], 'no warning or error line on a healthy start');
  });

  it('parts creating the same topics at once all succeed, leaders elected, with no error line', async () => {
    const { lines, logger } = capturingLogger();
    const clients = Array.from({ length: 4 }, (_, i) =>
      createKafka(testServices.kafkaBrokers, uniqueId(`client-race-${i}-`), logger),
    );
    const admin = clients[0]!.admin();
    await admin.connect();
    try {
      // Several rounds: the losers of a creation race used to fail now and then on metadata that
      // had not caught up (UNKNOWN_TOPIC_OR_PARTITION).
      for (let round = 0; round < 5; round++) {
        const topics = [uniqueId('client-race.'), uniqueId('client-race.')];
        await Promise.all(clients.map((kafka) => ensureTopics(kafka, topics)));
        const { topics: found } = await admin.fetchTopicMetadata({ topics });
        assert.equal(found.length, topics.length);
        for (const topic of found)
          assert.ok(
            topic.partitions.every((p) => p.leader >= 0),
            topic.name,
          );
      }
    } finally {
      await admin.disconnect();
    }
    assert.deepEqual(
      lines.filter((l) => l.level >= 50).map((l) => l.msg),
      [],
    );
  });

  it('logs retriable protocol errors kafkajs retries at debug, other errors at error', () => {
    const response = 'Response GroupCoordinator(key: 10, version: 2)';
    assert.equal(
      kafkaLogLevelOf(logLevel.ERROR, response, 'The group coordinator is not available'),
      'debug',
    );
    assert.equal(
      kafkaLogLevelOf(
        logLevel.ERROR,
        response,
        "The coordinator is loading and hence can't process requests for this group",
      ),
      'debug',
    );
    assert.equal(
      kafkaLogLevelOf(
        logLevel.ERROR,
        response,
        'Not authorized to access topics: [Topic authorization failed]',
      ),
      'error',
    );
    assert.equal(
      kafkaLogLevelOf(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', 'Topic creation errors'),
      'debug',
      'two parts creating the same topic at once',
    );
    assert.equal(
      kafkaLogLevelOf(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded', undefined),
      'error',
    );
    assert.equal(kafkaLogLevelOf(logLevel.WARN, 'Failed to connect to broker', undefined), 'warn');
  });
});
