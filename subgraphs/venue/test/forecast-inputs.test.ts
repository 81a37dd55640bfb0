// Venue.forecastInputs (the @inaccessible field the prediction subgraph @requires) against real
// MariaDB: the hourly history before the current hour and the booked seats ahead, for a whole
// list of venues in one entity fetch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHourlySeries } from '@sport-venue/shared';
import { FORECAST_BOOKING_HOURS, FORECAST_HISTORY_HOURS } from '../src/forecast-inputs.ts';
import { TEST_START, startVenueApp, type VenueTestApp } from './support/venue-app.ts';
import { nextId } from '@sport-venue/shared';

const HOUR = 3_600_000;
const start = Date.parse(TEST_START); // 02:00 UTC, on the hour
let t: VenueTestApp;

before(async () => {
  t = await startVenueApp();
});
after(async () => {
  await t?.stop();
});

const ENTITIES = `query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Venue { id forecastInputs { currentHour hourlyOccupancy hourlyBookings } } }
}`;

interface Inputs {
  currentHour: string;
  hourlyOccupancy: Array<number | null>;
  hourlyBookings: Array<number | null>;
}

async function inputsOf(...venueIds: string[]): Promise<Inputs[]> {
  const r = await t.graphql<{
    _entities: Array<{
      forecastInputs: { currentHour: string; hourlyOccupancy: string; hourlyBookings: string };
    }>;
  }>(ENTITIES, { reps: venueIds.map((id) => ({ __typename: 'Venue', id })) });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!._entities.map(({ forecastInputs: f }) => ({
    currentHour: f.currentHour,
    hourlyOccupancy: decodeHourlySeries(f.hourlyOccupancy),
    hourlyBookings: decodeHourlySeries(f.hourlyBookings),
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
});
