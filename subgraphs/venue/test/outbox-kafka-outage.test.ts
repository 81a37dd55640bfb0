// No event is lost while Kafka is down: check-ins keep working, their events wait in the MariaDB
// outbox, and the relay delivers every one of them (by event id) once Kafka is back. Runs its own
// Kafka broker, which it stops and starts, so the shared one is never disturbed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logLevel } from 'kafkajs';
import { bookingEventV1, checkinEventV1, createKafka, redisKeys } from '@sport-venue/shared';
import { eventually, uniqueId } from '@sport-venue/shared/testing';
import { startIsolated, type IsolatedInstance } from '../../../infra/instance.ts';
import {
  CHECK_IN,
  CHECK_OUT,
  admin,
  checkInInput,
  startVenueApp,
  user,
  type VenueTestApp,
} from './support/venue-app.ts';

let kafka: IsolatedInstance;
let t: VenueTestApp;

before(async () => {
  kafka = await startIsolated('kafka');
  t = await startVenueApp({
    KAFKA_BROKERS: kafka.hosts,
    OUTBOX_RELAY_INTERVAL_MS: 50,
    CHECKIN_RATE_LIMIT: 1_000,
  });
  t.app.relay.start();
});
after(async () => {
  await t?.stop();
  await kafka?.destroy();
});

const noErrors = (results: Array<{ errors?: unknown }>) => {
  for (const r of results) assert.equal(r.errors, undefined, JSON.stringify(r.errors));
};

describe('transactional outbox', () => {
  it('Kafka stopped during check-ins, restarted: every event is delivered, none missing', async () => {
    const venue = await t.createVenue();
    const early = Array.from({ length: 10 }, (_, i) => user(70_000 + i));
    const late = Array.from({ length: 10 }, (_, i) => user(71_000 + i));

    noErrors(await Promise.all(early.map((u) => t.graphql(CHECK_IN, { input: checkInInput(venue) }, u))));
    await eventually(async () => (await t.app.relay.pending()) === 0, { timeoutMs: 30_000 });

    await kafka.stop();
    // Check-ins, check-outs and bookings keep working while the broker is gone.
    noErrors(await Promise.all(late.map((u) => t.graphql(CHECK_IN, { input: checkInInput(venue) }, u))));
    noErrors(await Promise.all(early.map((u) => t.graphql(CHECK_OUT, { venueId: venue.id }, u))));
    const slots = await t.graphql<{ createBookingSlots: Array<{ id: string }> }>(
      `mutation($v: ID!, $s: [BookingSlotInput!]!) { createBookingSlots(venueId: $v, slots: $s) { id } }`,
      {
        v: venue.id,
        s: [
          {
            resource: 'court',
            startsAt: '2026-12-02T10:00:00+08:00',
            endsAt: '2026-12-02T11:00:00+08:00',
            capacity: 5,
          },
        ],
      },
      admin(),
    );
    const slotId = slots.data!.createBookingSlots[0]!.id;
    noErrors(
      await Promise.all(
        late
          .slice(0, 3)
          .map((u) => t.graphql(`mutation($s: ID!) { bookSlot(slotId: $s) { id } }`, { s: slotId }, u)),
      ),
    );
    assert.ok((await t.app.relay.pending()) >= 23, 'events wait in the outbox');
    assert.equal(Number(await t.app.redis.get(redisKeys.venueCurrent(venue.id))), 10);

    await kafka.start();
    await eventually(async () => (await t.app.relay.pending()) === 0, { timeoutMs: 60_000, intervalMs: 200 });

    const outbox = await t.app.db.outboxEvent.findMany({ orderBy: { seq: 'asc' } });
    assert.equal(outbox.length, 10 + 10 + 10 + 3);
    const delivered = await consumeAll(outbox.length, [
      t.config.CHECKIN_EVENTS_TOPIC,
      t.config.BOOKING_EVENTS_TOPIC,
    ]);
    assert.deepEqual(
      [...delivered.keys()].sort(),
      outbox.map((r) => r.id).sort(),
      'every outbox event arrived, and nothing else',
    );
    for (const { topic, key, value } of delivered.values()) {
      if (topic === t.config.CHECKIN_EVENTS_TOPIC) assert.equal(key, checkinEventV1.parse(value).userId);
      else assert.equal(key, bookingEventV1.parse(value).venueId);
    }
  });
});

/** Reads both topics from the beginning until `expected` distinct event ids arrived. */
async function consumeAll(expected: number, topics: string[]) {
  const client = createKafka(kafka.hosts, uniqueId('verify'), undefined, { logLevel: logLevel.NOTHING });
  const consumer = client.consumer({ groupId: uniqueId('verify') });
  const seen = new Map<string, { topic: string; key: string; value: unknown }>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = JSON.parse(message.value!.toString()) as { id: string };
        seen.set(value.id, { topic, key: message.key!.toString(), value });
      },
    });
    await eventually(() => seen.size >= expected, { timeoutMs: 30_000, intervalMs: 100 });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
