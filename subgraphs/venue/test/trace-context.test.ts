// The trace context of a check-in request reaches the Kafka event it causes (W3C traceparent
// header on the message, kept in the outbox row until the relay sends it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka, ensureTopics, parseTraceparent } from '@sport-venue/shared';
import { eventually, testServices, uniqueId } from '@sport-venue/shared/testing';
import { CHECK_IN, checkInInput, startVenueApp, user, type VenueTestApp } from './support/venue-app.ts';

describe('trace context on domain events', () => {
  let t: VenueTestApp;
  before(async () => {
    t = await startVenueApp({}, { background: true });
  });
  after(async () => {
    await t?.stop();
  });

  it('a check-in event carries the request’s trace id in a traceparent header', async () => {
    const venue = await t.createVenue();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const result = await t.graphql(CHECK_IN, { input: checkInInput(venue) }, user(88_001), { traceparent });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));

    const kafka = createKafka(testServices.kafkaBrokers, uniqueId('trace-test-'));
    const consumer = kafka.consumer({ groupId: uniqueId('trace-') });
    const seen: Array<string | undefined> = [];
    // Once the relay has sent the event, the topic and its leaders exist for the consumer.
    await eventually(async () => (await t.app.relay.pending()) === 0, { timeoutMs: 30_000 });
    await ensureTopics(kafka, [t.config.CHECKIN_EVENTS_TOPIC]);
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: t.config.CHECKIN_EVENTS_TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void seen.push(message.headers?.traceparent?.toString()),
      });
      await eventually(() => seen.length > 0, { timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    const forwarded = parseTraceparent(seen[0]);
    assert.equal(forwarded?.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.notEqual(forwarded?.spanId, 'b7ad6b7169203331');
  });
});
