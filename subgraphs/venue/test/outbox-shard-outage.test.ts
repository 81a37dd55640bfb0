// A dead MySQL shard stalls only its own outbox events (docs/decisions/0021): the relay runs one
// loop per shard partition, so events queued on the live shard reach Kafka while the other shard
// is down, and the dead shard's queued events follow, each exactly once, once it is back.
// Runs its own Spider front and two shards (infra/infra.sh on spare ports and a state dir of its
// own): killing a shard of the shared topology would break every other test file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { createKafka, ensureTopics, nextId, shardOfVenueId } from '@sport-venue/shared';
import { migrate } from '@sport-venue/shared/migrations';
import { eventually, uniqueId } from '@sport-venue/shared/testing';
import { startPrivateShardedMariadb, type PrivateShardedMariadb } from '../../../infra/private-mariadb.ts';
import { insertOutbox } from '../src/outbox/outbox.ts';
import { startVenueApp, type VenueTestApp } from './support/venue-app.ts';

describe('outbox relay during a MySQL shard outage', () => {
  let mariadb: PrivateShardedMariadb;
  let t: VenueTestApp | undefined;
  let consumer: Consumer | undefined;
  // Event ids seen on the topic, in arrival order, per Kafka key.
  const seen = new Map<string, string[]>();
  const seenOf = (key: string) => seen.get(key) ?? [];
  const venueOn = (shard: number) => {
    let id = nextId();
    while (shardOfVenueId(id, 2) !== shard) id = nextId();
    return id;
  };

  before(async () => {
    mariadb = await startPrivateShardedMariadb();
    const url = mariadb.url('sv_outage_venue');
    await migrate('venue', url);
    t = await startVenueApp({ VENUE_DATABASE_URL: url, OUTBOX_RELAY_INTERVAL_MS: 50 });
    const kafka = createKafka(t.config.KAFKA_BROKERS, 'outbox-shard-outage-test');
    await ensureTopics(kafka, [t.config.CHECKIN_EVENTS_TOPIC]);
    consumer = kafka.consumer({ groupId: uniqueId('outbox-shard-outage-') });
    await consumer.connect();
    await consumer.subscribe({ topic: t.config.CHECKIN_EVENTS_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        seen.set(key, [...seenOf(key), message.headers?.['event-id']?.toString() ?? '']);
      },
    });
  });
  after(async () => {
    await consumer?.disconnect();
    await t?.stop();
    await mariadb?.stop();
  });

  const queue = async (venueId: bigint, key: string, count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      await t!.app.db.$transaction((tx) =>
        insertOutbox(tx, { id, venueId, topic: t!.config.CHECKIN_EVENTS_TOPIC, key, payload: { i } }),
      );
    }
    return ids;
  };

  it('keeps relaying the live shard while the other is killed, then relays the dead shard once back', async () => {
    const onDead = venueOn(1);
    const onLive = venueOn(0);
    const deadKey = uniqueId('dead-');
    const liveKey = uniqueId('live-');
    // Queued while both shards run, before the relay starts: they wait on shard1.
    const stuck = await queue(onDead, deadKey, 20);

    const pid = mariadb.shardPid(1);
    process.kill(pid, 'SIGKILL');
    t!.app.relay.start();

    const flowing = await queue(onLive, liveKey, 20);
    await eventually(() => seenOf(liveKey).length >= flowing.length, { timeoutMs: 60_000, intervalMs: 200 });
    assert.deepEqual(seenOf(liveKey), flowing, 'every live-shard event, once, in queue order');
    assert.deepEqual(seenOf(deadKey), [], 'nothing of the dead shard can have been read');

    await mariadb.infra('up', 'shard1');
    await eventually(() => seenOf(deadKey).length >= stuck.length, { timeoutMs: 60_000, intervalMs: 200 });
    await eventually(async () => (await t!.app.relay.pending()) === 0, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    assert.deepEqual(seenOf(deadKey), stuck, 'every queued event of the dead shard, once, in queue order');
    assert.deepEqual(seenOf(liveKey), flowing);
  });

  it('keeps relaying the live shard while the other hangs (SIGSTOP), then relays the hung shard once resumed', async () => {
    const onHung = venueOn(1);
    const onLive = venueOn(0);
    const hungKey = uniqueId('hung-');
    const liveKey = uniqueId('live-');
    await t!.app.relay.stop();
    const stuck = await queue(onHung, hungKey, 20);
    // A stopped shard is noticed only after MYSQL_SHARD_TIMEOUT; its rows may be read and sent
    // before the mark-as-published commit fails, so duplicates are allowed here (consumers dedupe
    // on the event id), losses are not.
    const pid = mariadb.shardPid(1);
    process.kill(pid, 'SIGSTOP');
    try {
      t!.app.relay.start();
      const flowing = await queue(onLive, liveKey, 20);
      await eventually(() => seenOf(liveKey).length >= flowing.length, {
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      assert.deepEqual(seenOf(liveKey), flowing);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => (await t!.app.relay.pending()) === 0, {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    assert.deepEqual(new Set(seenOf(hungKey)), new Set(stuck), 'every queued event of the hung shard');
  });
});
