// Venue.forecastInputs (the @inaccessible field the prediction subgraph @requires) against real
// MariaDB: the hourly history before the current hour and the booked seats ahead, for a whole
// list of venues in one entity fetch — and the cache that serves them on the warm path without
// ever serving inputs older than the rules allow (decision 0029).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHourlySeries } from '@sport-venue/shared';
import { countSqlRoundTrips, type RoundTripCounter } from '@sport-venue/shared/testing';
import { manualClock } from '../src/clock.ts';
import {
  FORECAST_BOOKING_HOURS,
  FORECAST_HISTORY_HOURS,
  ForecastInputsSource,
  HISTORY_RECHECK_MS,
  HISTORY_SETTLE_MS,
} from '../src/forecasts/forecast-inputs.ts';
import { TEST_START, startVenueApp, type VenueTestApp } from './support/venue-app.ts';
import { nextId } from '@sport-venue/shared';

const HOUR = 3_600_000;
const start = Date.parse(TEST_START); // 02:00 UTC, on the hour
let t: VenueTestApp;
let sql: RoundTripCounter;

before(async () => {
  t = await startVenueApp({}, { queryEvents: true });
  sql = countSqlRoundTrips(t.app.db as never);
});
after(async () => {
  await t?.stop();
});

const ENTITIES = `query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Venue { id forecastInputs { currentHour hourlyOccupancy hourlyBookings openingSpans } } }
}`;

interface Inputs {
  currentHour: string;
  hourlyOccupancy: Array<number | null>;
  hourlyBookings: Array<number | null>;
  wire: { hourlyOccupancy: string; hourlyBookings: string };
  openingSpans: string;
}

/** The wire form leaves out leading unknown hours and trailing unbooked ones: put them back. */
const dense = <T>(values: T[], length: number, fill: T, at: 'start' | 'end') => {
  const pad = Array.from({ length: length - values.length }, () => fill);
  return at === 'start' ? [...pad, ...values] : [...values, ...pad];
};

async function inputsOf(...venueIds: string[]): Promise<Inputs[]> {
  const r = await t.graphql<{
    _entities: Array<{
      forecastInputs: {
        currentHour: string;
        hourlyOccupancy: string;
        hourlyBookings: string;
        openingSpans: string;
      };
    }>;
  }>(ENTITIES, { reps: venueIds.map((id) => ({ __typename: 'Venue', id })) });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!._entities.map(({ forecastInputs: f }) => ({
    currentHour: f.currentHour,
    hourlyOccupancy: dense(decodeHourlySeries(f.hourlyOccupancy), FORECAST_HISTORY_HOURS, null, 'start'),
    hourlyBookings: dense(decodeHourlySeries(f.hourlyBookings), FORECAST_BOOKING_HOURS, 0, 'end'),
    wire: { hourlyOccupancy: f.hourlyOccupancy, hourlyBookings: f.hourlyBookings },
    openingSpans: f.openingSpans,
  }));
}

async function sample(venueId: string, at: number, count: number) {
  await t.app.db.occupancySample.create({
    data: { venueId: BigInt(venueId), at: new Date(at), count, source: 'SAMPLED' },
  });
}

describe('forecast inputs', () => {
  it('hold the hourly mean headcount of the 360 hours before the current hour, unknown hours null', async () => {
    t.clock.set(start + 25 * 60_000); // 02:25 UTC: the current hour started at 02:00
    const venue = await t.createVenue();
    const quiet = await t.createVenue();
    await sample(venue.id, start - HOUR, 10); // 01:00 hour: mean of 10 and 20
    await sample(venue.id, start - HOUR + 30 * 60_000, 20);
    await sample(venue.id, start - 24 * HOUR, 7); // same hour yesterday
    await sample(venue.id, start - (FORECAST_HISTORY_HOURS + 1) * HOUR, 99); // too old
    await sample(venue.id, start + 5 * 60_000, 50); // the current hour: not complete, not sent
    const [inputs, none] = await inputsOf(venue.id, quiet.id);
    assert.equal(inputs!.currentHour, new Date(start).toISOString());
    assert.equal(inputs!.hourlyOccupancy.length, FORECAST_HISTORY_HOURS);
    assert.equal(inputs!.hourlyOccupancy.at(-1), 15);
    assert.equal(inputs!.hourlyOccupancy.at(-24), 7);
    assert.equal(inputs!.hourlyOccupancy.filter((v) => v !== null).length, 2);
    assert.ok(none!.hourlyOccupancy.every((v) => v === null));
    assert.ok(none!.hourlyBookings.every((v) => v === 0));
    // Compact on the wire: the history starts at its first known hour; no bookings, no items.
    assert.match(inputs!.wire.hourlyOccupancy, /^7,/);
    assert.deepEqual(none!.wire, { hourlyOccupancy: '', hourlyBookings: '' });
  });

  it('move on with the hour: the hour that just ended joins the history', async () => {
    t.clock.set(start + 10 * 60_000);
    const venue = await t.createVenue();
    assert.equal((await inputsOf(venue.id))[0]!.hourlyOccupancy.at(-1), null);
    await sample(venue.id, start + 20 * 60_000, 12);
    t.clock.set(start + HOUR + 60_000);
    const [later] = await inputsOf(venue.id);
    assert.equal(later!.currentHour, new Date(start + HOUR).toISOString());
    assert.equal(later!.hourlyOccupancy.at(-1), 12);
  });

  it('count booked seats in every hour a slot overlaps, from the current hour on', async () => {
    t.clock.set(start + 25 * 60_000);
    const venue = await t.createVenue();
    const slot = (from: number, to: number, booked: number, resource: string) =>
      t.app.db.bookingSlot.create({
        data: {
          id: nextId(),
          venueId: BigInt(venue.id),
          resource,
          startsAt: new Date(from),
          endsAt: new Date(to),
          capacity: 10,
          booked,
        },
      });
    await slot(start - HOUR, start + HOUR, 2, 'running now'); // started an hour ago, ends in an hour
    await slot(start + 3 * HOUR, start + 5 * HOUR, 4, 'two hours'); // hours 3 and 4
    await slot(start + 3 * HOUR + 30 * 60_000, start + 4 * HOUR, 1, 'half hour'); // hour 3
    await slot(start + 6 * HOUR, start + 7 * HOUR, 0, 'empty');
    await slot(start - 3 * HOUR, start - 2 * HOUR, 5, 'over');
    const [inputs] = await inputsOf(venue.id);
    assert.equal(inputs!.hourlyBookings.length, FORECAST_BOOKING_HOURS);
    assert.deepEqual(inputs!.hourlyBookings.slice(0, 8), [2, 0, 0, 5, 4, 0, 0, 0]);
  });

  it('are read from MariaDB once per hour once the hour has settled, whatever the list', async () => {
    t.clock.set(start + HISTORY_SETTLE_MS + 60_000);
    const a = await t.createVenue();
    const b = await t.createVenue();
    await sample(a.id, start - 3 * HOUR, 9);
    sql.reset();
    const first = await inputsOf(a.id, b.id);
    const cold = sql.count();
    t.clock.advance(30_000);
    sql.reset();
    assert.deepEqual(await inputsOf(b.id, a.id), [first[1], first[0]]);
    assert.equal(
      sql.count(),
      cold - 2,
      'no statement for the histories or the bookings: the venue rows only',
    );
    // A sample that lands late for a settled hour waits for the next hour (documented in 0029).
    await sample(a.id, start - 3 * HOUR + 60_000, 11);
    assert.equal((await inputsOf(a.id))[0]!.hourlyOccupancy.at(-3), 9);
    t.clock.set(start + HOUR + HISTORY_SETTLE_MS + 1);
    assert.equal((await inputsOf(a.id))[0]!.hourlyOccupancy.at(-4), 10, 'the next hour reads it');
  });

  it('take in a sample of the hour just ended that lands while the hour settles', async () => {
    t.clock.set(start + 5_000); // a sampler tick of 01:55 may still be committing
    const venue = await t.createVenue();
    await sample(venue.id, start - 2 * HOUR, 4);
    const [early] = await inputsOf(venue.id);
    assert.equal(early!.hourlyOccupancy.at(-1), null);
    await sample(venue.id, start - 5 * 60_000, 21); // the late sample of 01:55
    t.clock.advance(HISTORY_RECHECK_MS);
    const [late] = await inputsOf(venue.id);
    assert.equal(late!.hourlyOccupancy.at(-1), 21);
    assert.equal(late!.hourlyOccupancy.at(-2), 4);
  });

  it('take in new bookings within a minute', async () => {
    t.clock.set(start + 30 * 60_000);
    const venue = await t.createVenue();
    assert.deepEqual((await inputsOf(venue.id))[0]!.wire.hourlyBookings, '');
    await t.app.db.bookingSlot.create({
      data: {
        id: nextId(),
        venueId: BigInt(venue.id),
        resource: 'court',
        startsAt: new Date(start + 2 * HOUR),
        endsAt: new Date(start + 3 * HOUR),
        capacity: 10,
        booked: 3,
      },
    });
    t.clock.advance(60_000);
    assert.deepEqual((await inputsOf(venue.id))[0]!.hourlyBookings.slice(0, 4), [0, 0, 3, 0]);
  });

  it('carry the opening hours in their compact form, and a change of them at once', async () => {
    t.clock.set(start + 30 * 60_000);
    const venue = await t.createVenue({
      openingHours: {
        '1': [
          [420, 720],
          [840, 1320],
        ],
        '6': [[1200, 1560]],
      },
    });
    const before = await inputsOf(venue.id);
    assert.equal(before[0]!.openingSpans, '1:420-720,1:840-1320,6:1200-1560');
    await t.app.db.venue.update({ where: { id: BigInt(venue.id) }, data: { openingHours: {} } });
    assert.equal((await inputsOf(venue.id))[0]!.openingSpans, '');
  });

  it('never mix two hours when a read started before the hour turned finishes after it', async () => {
    const venue = await t.createVenue();
    const turn = start + 5 * HOUR;
    await sample(venue.id, turn - 90 * 60_000, 5); // the last complete hour before the turn
    await sample(venue.id, turn - 30 * 60_000, 8); // the hour that completes at the turn
    const clock = manualClock(turn - 1_000);
    const source = new ForecastInputsSource(t.app.db as never, clock);
    const before = source.load([venue.id]); // reads the clock now: the hour before the turn
    clock.set(turn + HISTORY_SETTLE_MS + 1_000);
    const after = source.load([venue.id]);
    const last = (text: string) => decodeHourlySeries(text).at(-1);
    for (const [inputs, hour, value] of [
      [(await before)[0]!, turn - HOUR, 5],
      [(await after)[0]!, turn, 8],
      [(await source.load([venue.id]))[0]!, turn, 8], // whichever read finished last, the cache holds the new hour
    ] as const) {
      assert.equal(inputs.currentHour, new Date(hour).toISOString());
      assert.equal(last(inputs.hourlyOccupancy), value);
    }
  });
});
