// Bookings against real MariaDB: no overbooking under concurrency, the cancellation window,
// authorisation, and booking events in the outbox.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bookingEventV1 } from '@sport-venue/shared';
import {
  TEST_START,
  admin,
  operatorOf,
  startVenueApp,
  user,
  type TestVenue,
  type VenueTestApp,
} from './support/venue-app.ts';

const HOUR = 3_600_000;
let t: VenueTestApp;
let venue: TestVenue;

before(async () => {
  t = await startVenueApp({ VENUE_DB_POOL_SIZE: 20 });
  venue = await t.createVenue();
});
after(async () => {
  await t?.stop();
});

const CREATE_SLOTS = `mutation($venueId: ID!, $slots: [BookingSlotInput!]!) {
  createBookingSlots(venueId: $venueId, slots: $slots) { id resource startsAt capacity booked available venue { id } }
}`;
const BOOK = `mutation($slotId: ID!) { bookSlot(slotId: $slotId) { id status userId freeCancellationUntil slot { id booked available } } }`;
const CANCEL = `mutation($id: ID!) { cancelBooking(bookingId: $id) { id status cancelledAt slot { booked } } }`;
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  r.errors?.[0]?.extensions?.code;
const inHours = (h: number) => new Date(Date.parse(TEST_START) + h * HOUR).toISOString();

let resources = 0;
async function slot(startsInHours: number, capacity: number): Promise<string> {
  resources += 1;
  const r = await t.graphql<{ createBookingSlots: Array<{ id: string }> }>(
    CREATE_SLOTS,
    {
      venueId: venue.id,
      slots: [
        {
          resource: `court ${resources}`,
          startsAt: inHours(startsInHours),
          endsAt: inHours(startsInHours + 1),
          capacity,
        },
      ],
    },
    operatorOf(venue.id),
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!.createBookingSlots[0]!.id;
}

async function outboxOfType(type: string) {
  const rows = await t.app.db.outboxEvent.findMany({ where: { topic: t.config.BOOKING_EVENTS_TOPIC } });
  return rows.map((r) => bookingEventV1.parse(JSON.parse(r.payload))).filter((e) => e.type === type);
}

describe('booking slots', () => {
  it('are created by operators of the venue and admins only', async () => {
    const slots = [{ resource: 'lane 1', startsAt: inHours(5), endsAt: inHours(6), capacity: 8 }];
    assert.equal(codeOf(await t.graphql(CREATE_SLOTS, { venueId: venue.id, slots })), 'UNAUTHENTICATED');
    assert.equal(codeOf(await t.graphql(CREATE_SLOTS, { venueId: venue.id, slots }, user(1))), 'FORBIDDEN');
    assert.equal(
      codeOf(await t.graphql(CREATE_SLOTS, { venueId: venue.id, slots }, operatorOf('424242'))),
      'FORBIDDEN',
    );
    const created = await t.graphql<{
      createBookingSlots: Array<{ id: string; available: number; venue: { id: string } }>;
    }>(CREATE_SLOTS, { venueId: venue.id, slots }, admin());
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const [s] = created.data!.createBookingSlots;
    assert.match(s!.id, new RegExp(`^${venue.id}-\\d+$`), 'the id carries the venue (shard key)');
    assert.deepEqual([s!.available, s!.venue.id], [8, venue.id]);
    const dup = await t.graphql(CREATE_SLOTS, { venueId: venue.id, slots }, admin());
    assert.equal(codeOf(dup), 'BAD_USER_INPUT');
  });
});

describe('booking', () => {
  it('200 concurrent bookings for a 20-seat slot: 20 seats at most, losers SLOT_FULL or SERVICE_BUSY, never an internal error', async () => {
    const slotId = await slot(48, 20);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        t.graphql<{ bookSlot: { status: string } }>(BOOK, { slotId }, user(50_000 + i)),
      ),
    );
    const outcomes = results.map((r) => String(codeOf(r) ?? r.data?.bookSlot.status));
    const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
    const [confirmed, full, busy] = [count('CONFIRMED'), count('SLOT_FULL'), count('SERVICE_BUSY')];
    // A loaded machine may shed some as SERVICE_BUSY (retryable, nothing written); nothing else.
    assert.equal(confirmed + full + busy, 200, `unexpected outcomes: ${[...new Set(outcomes)].join(', ')}`);
    assert.ok(confirmed >= 1 && confirmed <= 20, `${confirmed} confirmed`);
    if (full > 0) assert.equal(confirmed, 20, 'SLOT_FULL only once every seat is taken');
    if (busy === 0) assert.deepEqual([confirmed, full], [20, 180]);
    const local = BigInt(slotId.split('-')[1]!);
    assert.equal((await t.app.db.bookingSlot.findUniqueOrThrow({ where: { id: local } })).booked, confirmed);
    assert.equal(await t.app.db.booking.count({ where: { slotId: local, status: 'CONFIRMED' } }), confirmed);
    assert.equal(
      await t.app.db.booking.count({ where: { slotId: local } }),
      confirmed,
      'shed bookings wrote nothing',
    );
    assert.equal((await outboxOfType('CONFIRMED')).filter((e) => e.slotId === slotId).length, confirmed);
  });

  it('one person books a slot once (ALREADY_BOOKED), and a full slot says SLOT_FULL', async () => {
    const slotId = await slot(30, 1);
    const booker = user(60_001);
    assert.equal(codeOf(await t.graphql(BOOK, { slotId }, booker)), undefined);
    assert.equal(codeOf(await t.graphql(BOOK, { slotId }, booker)), 'ALREADY_BOOKED');
    assert.equal(codeOf(await t.graphql(BOOK, { slotId }, user(60_002))), 'SLOT_FULL');
    assert.equal(codeOf(await t.graphql(BOOK, { slotId: `${venue.id}-999999` }, booker)), 'SLOT_NOT_FOUND');
    assert.equal(codeOf(await t.graphql(BOOK, { slotId: 'garbage' }, booker)), 'SLOT_NOT_FOUND');
    assert.equal(codeOf(await t.graphql(BOOK, { slotId })), 'UNAUTHENTICATED');
  });

  it('refuses a slot that has started (BOOKING_CLOSED)', async () => {
    const slotId = await slot(1, 5);
    t.clock.advance(1.5 * HOUR);
    const r = await t.graphql(BOOK, { slotId }, user(60_010));
    t.clock.set(TEST_START);
    assert.equal(codeOf(r), 'BOOKING_CLOSED');
  });
});

describe('cancellation window', () => {
  it('is free until 12 h before the slot: CANCELLED, seat released, event queued; repeating changes nothing', async () => {
    const slotId = await slot(24, 3);
    const booker = user(61_001);
    const booked = await t.graphql<{ bookSlot: { id: string; freeCancellationUntil: string } }>(
      BOOK,
      { slotId },
      booker,
    );
    assert.equal(booked.data!.bookSlot.freeCancellationUntil, inHours(12));
    const id = booked.data!.bookSlot.id;
    const cancelled = await t.graphql<{ cancelBooking: { status: string; slot: { booked: number } } }>(
      CANCEL,
      { id },
      booker,
    );
    assert.deepEqual(cancelled.data!.cancelBooking.status, 'CANCELLED');
    assert.equal(cancelled.data!.cancelBooking.slot.booked, 0);
    const again = await t.graphql<{ cancelBooking: { status: string; slot: { booked: number } } }>(
      CANCEL,
      { id },
      booker,
    );
    assert.deepEqual(
      [again.data!.cancelBooking.status, again.data!.cancelBooking.slot.booked],
      ['CANCELLED', 0],
    );
    assert.equal((await outboxOfType('CANCELLED')).filter((e) => e.bookingId === id).length, 1);

    const rebooked = await t.graphql<{ bookSlot: { id: string; status: string } }>(BOOK, { slotId }, booker);
    assert.deepEqual([rebooked.data!.bookSlot.id, rebooked.data!.bookSlot.status], [id, 'CONFIRMED']);
  });

  it('is LATE_CANCELLED within 12 h (seat still released) and closed once the slot started', async () => {
    const slotId = await slot(6, 3);
    const booker = user(61_002);
    const id = (await t.graphql<{ bookSlot: { id: string } }>(BOOK, { slotId }, booker)).data!.bookSlot.id;
    const late = await t.graphql<{ cancelBooking: { status: string; slot: { booked: number } } }>(
      CANCEL,
      { id },
      booker,
    );
    assert.deepEqual(
      [late.data!.cancelBooking.status, late.data!.cancelBooking.slot.booked],
      ['LATE_CANCELLED', 0],
    );

    const other = await t.graphql<{ bookSlot: { id: string } }>(BOOK, { slotId }, user(61_003));
    t.clock.advance(6.5 * HOUR);
    const closed = await t.graphql(CANCEL, { id: other.data!.bookSlot.id }, user(61_003));
    t.clock.set(TEST_START);
    assert.equal(codeOf(closed), 'CANCELLATION_CLOSED');
  });

  it("hides other people's bookings, except from the venue's operators", async () => {
    const slotId = await slot(40, 3);
    const id = (await t.graphql<{ bookSlot: { id: string } }>(BOOK, { slotId }, user(61_010))).data!.bookSlot
      .id;
    assert.equal(codeOf(await t.graphql(CANCEL, { id }, user(61_011))), 'BOOKING_NOT_FOUND');
    const byOperator = await t.graphql<{ cancelBooking: { status: string } }>(
      CANCEL,
      { id },
      operatorOf(venue.id),
    );
    assert.equal(byOperator.data?.cancelBooking.status, 'CANCELLED');
  });
});

describe('booking views', () => {
  it('lists my upcoming bookings and, for operators only, the venue’s bookings', async () => {
    const booker = user(62_001);
    const slotId = await slot(72, 4);
    await t.graphql(BOOK, { slotId }, booker);
    const mine = await t.graphql<{ myBookings: Array<{ slot: { id: string; venue: { id: string } } }> }>(
      `{ myBookings { slot { id venue { id } } } }`,
      {},
      booker,
    );
    assert.deepEqual(mine.data!.myBookings, [{ slot: { id: slotId, venue: { id: venue.id } } }]);

    const query = `query($id: ID!, $from: String!, $to: String!) {
      venue(id: $id) { bookingSlots(from: $from, to: $to) { id available } bookings(from: $from, to: $to) { userId status } }
    }`;
    const vars = { id: venue.id, from: inHours(71), to: inHours(73) };
    const asOperator = await t.graphql<{
      venue: { bookingSlots: Array<{ id: string; available: number }>; bookings: Array<{ userId: string }> };
    }>(query, vars, operatorOf(venue.id));
    assert.deepEqual(asOperator.data!.venue.bookingSlots, [{ id: slotId, available: 3 }]);
    assert.deepEqual(asOperator.data!.venue.bookings, [{ userId: '62001', status: 'CONFIRMED' }]);
    const asUser = await t.graphql(query, vars, booker);
    assert.equal(codeOf(asUser), 'FORBIDDEN');
  });

  it('confirmed bookings add to the venue heat, cancellations take it back', async () => {
    const other = await t.createVenue();
    const heat = async () =>
      (await t.graphql<{ venue: { heat: number } }>(`{ venue(id: "${other.id}") { heat } }`)).data!.venue
        .heat;
    const r = await t.graphql<{ createBookingSlots: Array<{ id: string }> }>(
      CREATE_SLOTS,
      {
        venueId: other.id,
        slots: [{ resource: 'pool', startsAt: inHours(30), endsAt: inHours(31), capacity: 2 }],
      },
      admin(),
    );
    const slotId = r.data!.createBookingSlots[0]!.id;
    const booking = await t.graphql<{ bookSlot: { id: string } }>(BOOK, { slotId }, user(63_001));
    assert.equal(await heat(), 1);
    await t.graphql(CANCEL, { id: booking.data!.bookSlot.id }, user(63_001));
    assert.ok(Math.abs(await heat()) < 1e-9);
  });
});
