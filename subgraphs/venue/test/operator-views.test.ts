// What the console reads about a venue: check-in history (range, keyset paging), booking
// statistics and the venues an operator runs, each authorised here (FORBIDDEN for other venues).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHECK_IN,
  TEST_START,
  admin,
  checkInInput,
  operatorOf,
  startVenueApp,
  user,
  type TestVenue,
  type VenueTestApp,
} from './support/venue-app.ts';

const MIN = 60_000;
let t: VenueTestApp;
let venue: TestVenue;
let other: TestVenue;
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  r.errors?.[0]?.extensions?.code;
const at = (minutes: number) => new Date(Date.parse(TEST_START) + minutes * MIN).toISOString();

const HISTORY = `query($id: ID!, $from: String!, $to: String!, $first: Int, $after: String) {
  venue(id: $id) {
    checkIns(from: $from, to: $to, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id user { id } source counted startedAt endedAt } }
    }
  }
}`;
type History = {
  venue: {
    checkIns: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ node: { id: string; user: { id: string }; startedAt: string } }>;
    };
  };
};

before(async () => {
  t = await startVenueApp();
  venue = await t.createVenue({ name: '静安体育中心' });
  other = await t.createVenue({ cityCode: '110000', name: '朝阳体育馆', lat: 39.92, lng: 116.44 });
  // Five check-ins a few minutes apart, by five users.
  for (let i = 1; i <= 5; i++) {
    const r = await t.graphql(CHECK_IN, { input: checkInInput(venue) }, user(100 + i));
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    t.clock.advance(3 * MIN);
  }
});
after(async () => {
  await t?.stop();
});

describe('check-in history of a venue', () => {
  it('is read by operators of the venue and admins only', async () => {
    const vars = { id: venue.id, from: at(-60), to: at(60) };
    assert.equal(codeOf(await t.graphql(HISTORY, vars)), 'UNAUTHENTICATED');
    assert.equal(codeOf(await t.graphql(HISTORY, vars, user(101))), 'FORBIDDEN');
    assert.equal(codeOf(await t.graphql(HISTORY, vars, operatorOf(other.id))), 'FORBIDDEN');
    const r = await t.graphql<History>(HISTORY, vars, admin());
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data!.venue.checkIns.totalCount, 5);
  });

  it('pages newest first through the range without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { data?: History; errors?: unknown } = await t.graphql<History>(
        HISTORY,
        { id: venue.id, from: at(-60), to: at(60), first: 2, after: cursor },
        operatorOf(venue.id),
      );
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const page = r.data!.venue.checkIns;
      seen.push(...page.edges.map((e) => e.node.user.id));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['105', '104', '103', '102', '101']);
  });

  it('holds only check-ins that started inside the range', async () => {
    // Check-ins 2 and 3 started at +3 and +6 minutes.
    const r = await t.graphql<History>(
      HISTORY,
      { id: venue.id, from: at(2), to: at(7) },
      operatorOf(venue.id),
    );
    assert.deepEqual(
      r.data!.venue.checkIns.edges.map((e) => e.node.user.id),
      ['103', '102'],
    );
    assert.equal(r.data!.venue.checkIns.totalCount, 2);
  });

  it('refuses a reversed or too long range and a forged cursor as BAD_USER_INPUT', async () => {
    const op = operatorOf(venue.id);
    assert.equal(
      codeOf(await t.graphql(HISTORY, { id: venue.id, from: at(60), to: at(0) }, op)),
      'BAD_USER_INPUT',
    );
    assert.equal(
      codeOf(await t.graphql(HISTORY, { id: venue.id, from: at(0), to: at(93 * 24 * 60) }, op)),
      'BAD_USER_INPUT',
    );
    assert.equal(
      codeOf(await t.graphql(HISTORY, { id: venue.id, from: at(0), to: at(60), after: 'bm9wZQ' }, op)),
      'BAD_USER_INPUT',
    );
  });
});

describe('booking statistics of a venue', () => {
  const STATS = `query($id: ID!, $from: String, $to: String) {
    venue(id: $id) { bookingStats(from: $from, to: $to) { slots seats booked fillRate noShows noShowRate } }
  }`;
  it('count seats and held bookings of the slots in the range, for operators only', async () => {
    const created = await t.graphql<{ createBookingSlots: Array<{ id: string }> }>(
      `mutation($venueId: ID!, $slots: [BookingSlotInput!]!) { createBookingSlots(venueId: $venueId, slots: $slots) { id } }`,
      {
        venueId: venue.id,
        slots: [
          { resource: 'court 1', startsAt: at(120), endsAt: at(180), capacity: 4 },
          { resource: 'court 2', startsAt: at(120), endsAt: at(180), capacity: 6 },
        ],
      },
      operatorOf(venue.id),
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const slotId = created.data!.createBookingSlots[0]!.id;
    for (const u of [201, 202, 203]) {
      const b = await t.graphql(`mutation($s: ID!) { bookSlot(slotId: $s) { id } }`, { s: slotId }, user(u));
      assert.equal(b.errors, undefined, JSON.stringify(b.errors));
    }
    const range = { id: venue.id, from: at(60), to: at(240) };
    assert.equal(codeOf(await t.graphql(STATS, range, operatorOf(other.id))), 'FORBIDDEN');
    const r = await t.graphql<{ venue: { bookingStats: Record<string, unknown> } }>(
      STATS,
      range,
      operatorOf(venue.id),
    );
    assert.deepEqual(r.data!.venue.bookingStats, {
      slots: 2,
      seats: 10,
      booked: 3,
      fillRate: 0.3,
      noShows: 0,
      noShowRate: null,
    });
  });
});

describe('the venues an operator runs', () => {
  const MINE = `query($city: String) { myOperatedVenues(cityCode: $city) { edges { node { id name } } } }`;
  type Mine = { myOperatedVenues: { edges: Array<{ node: { id: string } }> } };
  it('are their own venues; an admin sees all, filtered by city; a user is FORBIDDEN', async () => {
    const op = await t.graphql<Mine>(MINE, {}, operatorOf(venue.id));
    assert.deepEqual(
      op.data!.myOperatedVenues.edges.map((e) => e.node.id),
      [venue.id],
    );
    const all = await t.graphql<Mine>(MINE, {}, admin());
    assert.deepEqual(
      all.data!.myOperatedVenues.edges.map((e) => e.node.id),
      [venue.id, other.id],
    );
    const beijing = await t.graphql<Mine>(MINE, { city: '110000' }, admin());
    assert.deepEqual(
      beijing.data!.myOperatedVenues.edges.map((e) => e.node.id),
      [other.id],
    );
    assert.equal(codeOf(await t.graphql(MINE, {}, user(5))), 'FORBIDDEN');
    assert.equal(codeOf(await t.graphql(MINE, {})), 'UNAUTHENTICATED');
  });
});
