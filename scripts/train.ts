// `npm run train [-- --time-zone Europe/Zurich] [--epochs N] [--data <csv>]`: trains the forecaster
// and writes a versioned artifact (with its validation figures in the manifest) to
// MODEL_ARTIFACT_DIR, where a running model server picks it up (hot reload).
//
// Without --data it trains on the venue subgraph's headcount history in MariaDB: venues are keyed
// by their id (so the model server knows each venue's profile) and carry their sport, latitude and
// time zone (so a new venue starts from similar ones). One artifact covers one time zone (the
// model's hour-of-week is local): by default the zone with the most history.
// With --data it trains on an occupancy CSV (e.g. the shipped data). With --fallback-data <csv> it
// trains on the database when its history is long enough for a validated (guarded) model, and on
// the CSV otherwise — what `npm start` does when no artifact exists yet (scripts/model-bootstrap.ts):
// after the seed the database holds the shipped history keyed by venue id, which is how the graph
// asks for forecasts. Without a fallback, a history too short for the guard writes no artifact
// (exit 1): an unvalidated network is never published.
import { parseArgs } from 'node:util';
import { DATABASES } from '@sport-venue/shared/migrations';
import { regionForVenue, type HolidayRegion } from '@sport-venue/forecast/holidays';
import { saveArtifact } from '@sport-venue/forecast/artifact';
import { guardValidationDays, trainForecaster } from '@sport-venue/forecast/trainer';
import { readOccupancyCsv } from '@sport-venue/forecast/csv';
import type { OccupancyRow } from '@sport-venue/forecast/types';
import type { VenueAttributes } from '@sport-venue/forecast/cold-start';

const { values } = parseArgs({
  options: {
    'time-zone': { type: 'string' },
    epochs: { type: 'string' },
    data: { type: 'string' },
    'fallback-data': { type: 'string' },
    version: { type: 'string' },
  },
});
const out = process.env.MODEL_ARTIFACT_DIR || new URL('../.state/models', import.meta.url).pathname;
const epochs = values.epochs ? Number(values.epochs) : undefined;
if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1)) {
  console.error(`--epochs must be a positive integer, got "${values.epochs}"`);
  process.exit(2);
}
const log = (message: string) => console.log(message);

async function trainOnCsv(path: string): Promise<void> {
  const timeZone = values['time-zone'] ?? 'Europe/Zurich';
  const { rows } = await readOccupancyCsv(path);
  console.log(`training on ${rows.length} rows of ${path} (${timeZone})`);
  const forecaster = await trainForecaster(rows, {
    timeZone,
    // The shipped data are gyms; without a sport a new badminton hall would weigh them fully.
    attributesOf: (): VenueAttributes => ({ sport: 'gym', timeZone }),
    ...(epochs ? { epochs } : {}),
    ...(values.version ? { version: values.version } : {}),
    log,
  });
  console.log(`artifact written to ${await saveArtifact(forecaster, out)}`);
}

/** Cannot train a validated model on the database: say why, then the fallback CSV or exit 1. */
async function insufficient(reason: string): Promise<void> {
  if (values['fallback-data']) {
    console.log(`${reason}: training on ${values['fallback-data']} instead`);
    await trainOnCsv(values['fallback-data']);
  } else {
    console.error(reason);
    process.exitCode = 1;
  }
}

async function trainOnDatabase(): Promise<void> {
  const { createVenueDb } = await import('../subgraphs/venue/src/catalog/venue-store.ts');
  const db = createVenueDb(process.env.VENUE_DATABASE_URL || DATABASES.venue.fallback);
  try {
    const venues = await db.venue.findMany({
      select: {
        id: true,
        name: true,
        timeZone: true,
        cityCode: true,
        capacity: true,
        lat: true,
        sports: true,
      },
    });
    const counts = await db.occupancySample.groupBy({ by: ['venueId'], _count: { _all: true } });
    const perZone = new Map<string, number>();
    const zoneOf = new Map(venues.map((v) => [v.id, v.timeZone]));
    for (const c of counts)
      perZone.set(zoneOf.get(c.venueId)!, (perZone.get(zoneOf.get(c.venueId)!) ?? 0) + c._count._all);
    const timeZone = values['time-zone'] ?? [...perZone.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!timeZone) {
      await insufficient(
        'no headcount history in the venue database (run `npm run seed`, or let the sampler collect some)',
      );
      return;
    }
    const inZone = venues.filter((v) => v.timeZone === timeZone);
    const rows: OccupancyRow[] = [];
    for (const venue of inZone) {
      const samples = await db.occupancySample.findMany({
        where: { venueId: venue.id },
        select: { at: true, count: true },
        orderBy: { at: 'asc' },
      });
      for (const s of samples)
        rows.push({ at: s.at, venue: venue.id.toString(), occupancy: s.count, capacity: venue.capacity });
    }
    // Holiday regions follow the venue's name/city (Swiss cantons, mainland China).
    const byId = new Map(inZone.map((v) => [v.id.toString(), v]));
    const regionOf = (id: string): HolidayRegion => {
      const venue = byId.get(id);
      return venue && /^\d{6}$/.test(venue.cityCode) ? 'CN' : regionForVenue(venue?.name ?? id);
    };
    const attributesOf = (id: string): VenueAttributes | undefined => {
      const venue = byId.get(id);
      if (!venue) return undefined;
      const sports = Array.isArray(venue.sports) ? venue.sports.filter((s) => typeof s === 'string') : [];
      return {
        ...(sports[0] ? { sport: sports[0] } : {}),
        latitude: venue.lat,
        timeZone: venue.timeZone,
      };
    };
    let first = Infinity;
    let last = -Infinity;
    for (const r of rows) {
      first = Math.min(first, r.at.getTime());
      last = Math.max(last, r.at.getTime());
    }
    const days = (last - first) / 86_400_000;
    if (guardValidationDays(days) === 0) {
      await insufficient(
        `the venue database holds ${days.toFixed(1)} days of history in ${timeZone}, too few to validate a model`,
      );
      return;
    }
    console.log(`training on ${rows.length} samples of ${inZone.length} venues in ${timeZone}`);
    const forecaster = await trainForecaster(rows, {
      timeZone,
      regionOf,
      attributesOf,
      ...(epochs ? { epochs } : {}),
      ...(values.version ? { version: values.version } : {}),
      log,
    });
    console.log(`artifact written to ${await saveArtifact(forecaster, out)}`);
  } finally {
    await db.$disconnect();
  }
}

if (values.data) await trainOnCsv(values.data);
else await trainOnDatabase();
