// `npm run train [-- --time-zone Europe/Zurich] [--epochs N]`: trains the forecaster on the venue
// subgraph's headcount history in MariaDB and writes a versioned artifact to MODEL_ARTIFACT_DIR,
// where a running model server picks it up (hot reload). Venues are keyed by their id, so the
// model server knows each venue's profile. One artifact covers one time zone (the model's
// hour-of-week is local): by default the zone with the most history.
import { parseArgs } from 'node:util';
import { DATABASES } from '@sport-venue/shared/migrations';
import { regionForVenue, type HolidayRegion } from '@sport-venue/forecast/holidays';
import { saveArtifact } from '@sport-venue/forecast/artifact';
import { trainForecaster } from '@sport-venue/forecast/trainer';
import type { OccupancyRow } from '@sport-venue/forecast/types';
import { createVenueDb } from '../subgraphs/venue/src/venue-store.ts';

const { values } = parseArgs({ options: { 'time-zone': { type: 'string' }, epochs: { type: 'string' } } });
const out = process.env.MODEL_ARTIFACT_DIR || new URL('../.state/models', import.meta.url).pathname;
const db = createVenueDb(process.env.VENUE_DATABASE_URL || DATABASES.venue.fallback);

try {
  const venues = await db.venue.findMany({
    select: { id: true, name: true, timeZone: true, cityCode: true, capacity: true },
  });
  const counts = await db.occupancySample.groupBy({ by: ['venueId'], _count: { _all: true } });
  const perZone = new Map<string, number>();
  const zoneOf = new Map(venues.map((v) => [v.id, v.timeZone]));
  for (const c of counts)
    perZone.set(zoneOf.get(c.venueId)!, (perZone.get(zoneOf.get(c.venueId)!) ?? 0) + c._count._all);
  const timeZone = values['time-zone'] ?? [...perZone.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!timeZone) {
    console.error(
      'no headcount history in the venue database (run `npm run seed`, or let the sampler collect some)',
    );
    process.exit(1);
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
  const names = new Map(inZone.map((v) => [v.id.toString(), v]));
  const regionOf = (id: string): HolidayRegion => {
    const venue = names.get(id);
    return venue && /^\d{6}$/.test(venue.cityCode) ? 'CN' : regionForVenue(venue?.name ?? id);
  };
  console.log(`training on ${rows.length} samples of ${inZone.length} venues in ${timeZone}`);
  const forecaster = await trainForecaster(rows, {
    timeZone,
    regionOf,
    ...(values.epochs ? { epochs: Number(values.epochs) } : {}),
  });
  console.log(`artifact written to ${await saveArtifact(forecaster, out)}`);
} finally {
  await db.$disconnect();
}
