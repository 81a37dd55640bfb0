// The outbox relay behind the Spider front (docs/decisions/0021): events queued on every shard
// (each next to its venue's rows) are all delivered once, and each shard's events (so each venue's)
// keep the order they were queued in. One key alternating between shards may interleave across
// them: the relay runs one loop per shard so that a dead shard stalls only its own events.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics, shardOfVenueId, withMariadbConnection } from '@sport-venue/shared';
import { shardServers, shardUrl } from '@sport-venue/shared/migrations';
import { eventually, uniqueId } from '@sport-venue/shared/testing';
import { insertOutbox } from '../src/outbox/outbox.ts';
import { startVenueApp, type VenueTestApp } from './support/venue-app.ts';

let t: VenueTestApp;
before(async () => {
  t = await startVenueApp({ OUTBOX_RELAY_INTERVAL_MS: 50 });
});
after(() => t?.stop());

describe('outbox relay over every shard', () => {
  it('delivers events queued on every shard, in queue order per shard', async () => {
    const url = t.config.VENUE_DATABASE_URL;
    const shards = await shardServers(url);
    assert.ok(shards.length >= 2, 'a sharded topology');
    // One venue per shard (venue ids are hashed to shards).
    const venueOn = new Map<number, bigint>();
    while (venueOn.size < shards.length) {
      const id = BigInt((await t.createVenue()).id);
      venueOn.set(shardOfVenueId(id, shards.length), id);
    }
    const topic = t.config.CHECKIN_EVENTS_TOPIC;
    const key = uniqueId('user-');
    const events = 40;
    for (let i = 0; i < events; i++) {
      const venueId = venueOn.get(i % shards.length)!;
      await t.app.db.$transaction((tx) =>
        insertOutbox(tx, { id: randomUUID(), venueId, topic, key, payload: { i } }),
      );
    }
    const perShard = await Promise.all(
      shards.map((s) =>
        withMariadbConnection(shardUrl(url, s), async (conn) => {
          const [row] = await conn.query('SELECT COUNT(*) AS n FROM OutboxEvent WHERE msgKey = ?', [key]);
          return Number(row.n);
        }),
      ),
    );
    assert.deepEqual(
      perShard,
      shards.map(() => events / shards.length),
    );

    const kafka = createKafka(t.config.KAFKA_BROKERS, 'outbox-shards-test');
    await ensureTopics(kafka, [topic]);
    const consumer = kafka.consumer({ groupId: uniqueId('outbox-shards-') });
    const seen: number[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === key)
            seen.push((JSON.parse(message.value!.toString()) as { i: number }).i);
        },
      });
      t.app.relay.start();
      await eventually(() => seen.length >= events, { timeoutMs: 60_000 });
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        Array.from({ length: events }, (_, i) => i),
        'every event once',
      );
      for (let shard = 0; shard < shards.length; shard++) {
        const mine = seen.filter((i) => i % shards.length === shard);
        assert.deepEqual(
          mine,
          [...mine].sort((a, b) => a - b),
          `shard ${shard} in queue order`,
        );
      }
      // The relay marks a batch published once Kafka acknowledged it, so the consumer can see the
      // events a moment before their rows are marked: every row must end up marked.
      await eventually(async () => (await t.app.relay.pending()) === 0);
    } finally {
      await consumer.disconnect();
    }
  });
});
