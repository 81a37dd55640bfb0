// A saturated database is a normal condition for bookings: a booking that cannot get a database
// connection within BOOKING_TX_MAX_WAIT_MS is shed with the retryable SERVICE_BUSY, never an
// INTERNAL_SERVER_ERROR, and nothing of it is written. Real MariaDB: another session holds the
// slot's row lock, so the pool's two connections wait on it and every further booking waits for
// a connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withMariadbConnection } from '@sport-venue/shared';
import { eventually } from '@sport-venue/shared/testing';
import {
  TEST_START,
  operatorOf,
  startVenueApp,
  user,
  type GraphQLResult,
  type TestVenue,
  type VenueTestApp,
} from './support/venue-app.ts';

const HOUR = 3_600_000;
let t: VenueTestApp;
let venue: TestVenue;

before(async () => {
  t = await startVenueApp({ VENUE_DB_POOL_SIZE: 2, BOOKING_TX_MAX_WAIT_MS: 300 });
  venue = await t.createVenue();
});
after(async () => {
  await t?.stop();
});

const BOOK = `mutation($slotId: ID!) { bookSlot(slotId: $slotId) { id status } }`;
const inHours = (h: number) => new Date(Date.parse(TEST_START) + h * HOUR).toISOString();

describe('booking under a saturated database', () => {
  it('sheds what cannot get a connection in time as SERVICE_BUSY, and books the rest', async () => {
    const created = await t.graphql<{ createBookingSlots: Array<{ id: string }> }>(
      `mutation($venueId: ID!, $slots: [BookingSlotInput!]!) { createBookingSlots(venueId: $venueId, slots: $slots) { id } }`,
      {
        venueId: venue.id,
        slots: [{ resource: 'court 1', startsAt: inHours(24), endsAt: inHours(25), capacity: 20 }],
      },
      operatorOf(venue.id),
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const slotId = created.data!.createBookingSlots[0]!.id;
    const local = BigInt(slotId.split('-')[1]!);

    const results = await withMariadbConnection(t.config.VENUE_DATABASE_URL, async (conn) => {
      await conn.beginTransaction();
      await conn.query('SELECT id FROM BookingSlot WHERE id = ? FOR UPDATE', [local]);
      const done: Array<GraphQLResult<{ bookSlot: { status: string } }>> = [];
      const pending = Array.from({ length: 6 }, (_, i) =>
        t.graphql<{ bookSlot: { status: string } }>(BOOK, { slotId }, user(70_000 + i)).then((r) => {
          done.push(r);
          return r;
        }),
      );
      // Two bookings hold the pool's connections, waiting on the lock; the other four are shed.
      await eventually(() => done.length >= 4, { timeoutMs: 60_000 });
      await conn.rollback();
      return Promise.all(pending);
    });

    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? r.data?.bookSlot.status).sort();
    assert.deepEqual(codes, [
      'CONFIRMED',
      'CONFIRMED',
      'SERVICE_BUSY',
      'SERVICE_BUSY',
      'SERVICE_BUSY',
      'SERVICE_BUSY',
    ]);
    const busy = results.find((r) => r.errors)!.errors![0]!;
    assert.ok(Number(busy.extensions?.retryAfterSeconds) >= 1, 'says when to retry');
    assert.equal((await t.app.db.bookingSlot.findUniqueOrThrow({ where: { id: local } })).booked, 2);
    assert.equal(
      await t.app.db.booking.count({ where: { slotId: local } }),
      2,
      'shed bookings wrote nothing',
    );
  });
});
