// `npm run seed` gives a living demo graph and can run any number of times.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { createTestDatabase, createTestRedis, testServices, uniqueId } from '@sport-venue/shared/testing';
import { createSearchClient } from '../subgraphs/venue/src/search/search-index.ts';
import { createUserDb } from '../subgraphs/user/src/user-store.ts';
import { defaultVenueConfig } from '../subgraphs/venue/src/config.ts';
import { startVenueSubgraph } from '../subgraphs/venue/src/index.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';

const run = promisify(execFile);
const root = new URL('../', import.meta.url).pathname;

describe('demo seed', () => {
  let userDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let venueDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: Awaited<ReturnType<typeof createTestRedis>>;
  let csv: string;
  let csvSamples = 0;

  before(async () => {
    [userDb, venueDb, redis] = await Promise.all([
      createTestDatabase('user'),
      createTestDatabase('venue'),
      createTestRedis(),
    ]);
    // A slice of the real file: its header, then the first 3,000 rows.
    const lines = gunzipSync(readFileSync(join(root, 'data/occupancy/fitnesspark-ch.csv.gz')))
      .toString('utf8')
      .split('\n');
    const slice = lines.slice(0, 3_001);
    csvSamples = slice.slice(1).filter((line) => line.split(',')[2] !== '').length;
    csv = join(mkdtempSync(join(tmpdir(), 'sv-seed-')), 'slice.csv');
    writeFileSync(csv, `${slice.join('\n')}\n`);
  });

  const searchIndex = uniqueId('test-seed-venues-');
  const search = createSearchClient({ url: testServices.opensearchUrl, timeoutMs: 10_000 });
  after(async () => {
    await search.indices.delete({ index: `${searchIndex}-*` }).catch(() => undefined);
    await search.close();
    await Promise.all([userDb?.drop(), venueDb?.drop()]);
  });

  const seed = () =>
    run(process.execPath, ['scripts/seed.ts'], {
      cwd: root,
      env: {
        ...process.env,
        USER_DATABASE_URL: userDb.url,
        VENUE_DATABASE_URL: venueDb.url,
        REDIS_URL: redis.url,
        SEED_OCCUPANCY_CSV: csv,
        OPENSEARCH_URL: testServices.opensearchUrl,
        SEARCH_INDEX: searchIndex,
      },
    });

  it('creates venues in three Chinese cities and the 16 Swiss gyms with history, twice without duplicates', async () => {
    await seed();
    await seed();
    const venues = createVenueDb(venueDb.url);
    const users = createUserDb(userDb.url);
    try {
      for (const code of ['310000', '110000', '440300']) {
        const inCity = await venues.venue.findMany({ where: { cityCode: code } });
        assert.ok(inCity.length >= 6, `${code} has ${inCity.length} venues`);
        const allDay = inCity.filter((v) => JSON.stringify(v.openingHours).includes('[0,1440]'));
        assert.ok(allDay.length >= 1, `${code} has a venue open 24 hours`);
      }
      assert.equal(await venues.venue.count({ where: { timeZone: 'Europe/Zurich' } }), 16);
      assert.ok((await venues.venue.count()) >= 36);
      assert.equal(await venues.occupancySample.count(), csvSamples);
      assert.ok((await venues.bookingSlot.count()) > 0, 'bookable slots for the coming week');
      assert.equal(await users.user.count(), 3);
      // The second run swapped in a fresh index with every venue (the first one is gone).
      const indices = await search.indices.get({ index: `${searchIndex}-*` });
      assert.equal(Object.keys(indices.body).length, 1);
      const counted = await search.count({ index: searchIndex });
      assert.equal(counted.body.count, await venues.venue.count());
    } finally {
      await venues.$disconnect();
      await users.$disconnect();
    }
  });

  it('seeded venues are found on the map at once: nearbyVenues without waiting for the resync', async () => {
    await seed();
    // Background work off: no geo resync runs, so only the seed can have fed the index.
    const venue = await startVenueSubgraph(
      {
        ...defaultVenueConfig(),
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        VENUE_PORT: 0,
        VENUE_DATABASE_URL: venueDb.url,
        REDIS_URL: redis.url,
        KAFKA_BROKERS: testServices.kafkaBrokers,
      },
      { background: false },
    );
    try {
      const res = await fetch(`${venue.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // People's Square, Shanghai: the seeded Shanghai venues are within 10 km.
        body: JSON.stringify({
          query:
            '{ nearbyVenues(lat: 31.2304, lng: 121.4737, radiusKm: 10, first: 50) { venue { name } distanceM } }',
        }),
      });
      const body = (await res.json()) as {
        data?: { nearbyVenues: Array<{ venue: { name: string }; distanceM: number }> };
        errors?: unknown;
      };
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      const names = body.data!.nearbyVenues.map((n) => n.venue.name);
      assert.ok(names.includes('上海体育场'), `found: ${names.join(', ')}`);
      assert.ok(names.includes('静安体育中心'), `found: ${names.join(', ')}`);
      const distances = body.data!.nearbyVenues.map((n) => n.distanceM);
      assert.deepEqual(
        distances,
        [...distances].sort((a, b) => a - b),
        'nearest first',
      );
    } finally {
      await venue.stop();
    }
  });
});
