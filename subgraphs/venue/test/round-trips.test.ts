// No N+1 in the venue subgraph: a list of 20 venues with every field that reads a store costs the
// same SQL statements and Redis round trips as a list of 2, counted on the subgraph's own Prisma
// client (query events) and Redis connection against the real MariaDB and Redis.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countRedisRoundTrips, countSqlRoundTrips, type RoundTripCounter } from '@sport-venue/shared/testing';
import { admin, startVenueApp, TEST_START, type VenueTestApp } from './support/venue-app.ts';
import { nextId } from '@sport-venue/shared';

const N = 20;
let t: VenueTestApp;
let sql: RoundTripCounter;
let redis: RoundTripCounter;
const ids: string[] = [];

const HOUR_MS = 3_600_000;
const start = new Date(TEST_START);

// Every Venue field that reads a store, list fields with arguments included.
const FIELDS = `id name city { name } currentCount occupancyLevel occupancyPercent comparedToUsual isOpenNow
  popularTimes { weekday hours } heat openingHours { weekday }
  forecastInputs { currentHour hourlyOccupancy hourlyBookings }
  occupancyHistory(from: "${new Date(start.getTime() - 3 * HOUR_MS).toISOString()}", to: "${start.toISOString()}") { at count }
  bookingSlots { id resource available venue { id } }
  bookings { id slot { id } }`;

before(async () => {
  t = await startVenueApp({}, { queryEvents: true });
  for (let i = 0; i < N; i++) {
    const venue = await t.createVenue({ name: `场馆 ${i}` });
    ids.push(venue.id);
    const id = BigInt(venue.id);
    await t.app.db.bookingSlot.create({
      data: {
        id: nextId(),
        venueId: id,
        resource: 'court-1',
        startsAt: new Date(start.getTime() + 24 * HOUR_MS),
        endsAt: new Date(start.getTime() + 25 * HOUR_MS),
        capacity: 4,
      },
    });
    await t.app.db.occupancySample.create({
      data: { venueId: id, at: new Date(start.getTime() - 2 * HOUR_MS), count: 10 + i, source: 'SAMPLED' },
    });
  }
  sql = countSqlRoundTrips(t.app.db as never);
  redis = countRedisRoundTrips(t.app.redis);
  // Per-process caches (popular times) warm up once for every venue; what is measured after is
  // the per-request cost.
  await t.graphql(
    `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { ${FIELDS} } } }`,
    { reps: ids.map((id) => ({ __typename: 'Venue', id })) },
    admin(),
  );
});
after(async () => {
  await t?.stop();
});

async function tripsOf(query: string, variables: Record<string, unknown>) {
  sql.reset();
  redis.reset();
  const result = await t.graphql<Record<string, unknown>>(query, variables, admin());
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return { data: result.data!, trips: { sql: sql.count(), redis: redis.count() } };
}

type VenueOut = {
  id: string;
  bookingSlots: Array<{ venue: { id: string } }>;
  bookings: unknown[];
  occupancyHistory: Array<{ count: number }>;
};

describe('store round trips of venue lists', () => {
  it('20 venue references with every field cost what 2 cost', async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { ${FIELDS} } } }`;
    const reps = (n: number) => ids.slice(0, n).map((id) => ({ __typename: 'Venue', id }));
    const few = await tripsOf(query, { reps: reps(2) });
    const many = await tripsOf(query, { reps: reps(N) });
    assert.ok(few.trips.sql > 0 && few.trips.redis > 0, 'the counters see the store traffic');
    assert.deepEqual(many.trips, few.trips, `${N} venues cost what 2 cost`);
    const venues = many.data._entities as VenueOut[];
    for (const [i, venue] of venues.entries()) {
      assert.equal(venue.id, ids[i]);
      assert.equal(venue.bookingSlots.length, 1);
      assert.equal(venue.bookingSlots[0]!.venue.id, ids[i]);
      assert.deepEqual(
        venue.occupancyHistory.map((p) => p.count),
        [10 + i],
        "each venue gets its own history, not a neighbour's",
      );
    }
  });

  it('a page of 20 venues with every field costs what a page of 2 costs', async () => {
    const query = `query($first: Int) { venues(cityCode: "310000", first: $first) { edges { node { ${FIELDS} } } } }`;
    const few = await tripsOf(query, { first: 2 });
    const many = await tripsOf(query, { first: N });
    assert.deepEqual(many.trips, few.trips, `${N} venues cost what 2 cost`);
    assert.equal((many.data.venues as { edges: unknown[] }).edges.length, N);
  });
});
