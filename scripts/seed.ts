// `npm run seed`: idempotent demo data — cities, ~20 venues in Shanghai, Beijing and Shenzhen,
// the 16 Swiss gyms of data/occupancy with their headcount history, and demo users.
import { createReadStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { createRedis, localService, nextId } from '@sport-venue/shared';
import { DATABASES, migrate } from '@sport-venue/shared/migrations';
import { createUserDb, ensureWeChatUser } from '../subgraphs/user/src/user-store.ts';
import { indexVenueLocations } from '../subgraphs/venue/src/catalog/geo-index.ts';
import { venueSports } from '../subgraphs/venue/src/catalog/venue-input.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import { createSearchClient, rebuildSearchIndex } from '../subgraphs/venue/src/search/search-index.ts';
import { demoSlots } from './seed/slots.ts';
import { DEMO_ADMIN, DEMO_OPERATOR, seedConsoleAccounts } from './seed/console-accounts.ts';
import { chineseVenues, cities, openingHours, swissGyms, type SeedVenue } from './seed/venues.ts';

const OCCUPANCY_CSV = process.env.SEED_OCCUPANCY_CSV
  ? new URL(`file://${process.env.SEED_OCCUPANCY_CSV}`)
  : new URL('../data/occupancy/fitnesspark-ch.csv.gz', import.meta.url);
const venueUrl = process.env.VENUE_DATABASE_URL || DATABASES.venue.fallback;
const userUrl = process.env.USER_DATABASE_URL || DATABASES.user.fallback;
const redisUrl = process.env.REDIS_URL || localService.redis();

await migrate('venue', venueUrl);
await migrate('user', userUrl);
const venueDb = createVenueDb(venueUrl);
const userDb = createUserDb(userUrl);
const redis = createRedis(redisUrl);

try {
  for (const city of cities) {
    await venueDb.city.upsert({
      where: { code: city.code },
      create: city,
      update: { name: city.name, timeZone: city.timeZone },
    });
  }
  const timeZoneOf = new Map(cities.map((c) => [c.code, c.timeZone]));
  const ids = new Map<string, bigint>();
  const seeded: Array<{ id: bigint; lat: number; lng: number; sports: unknown }> = [];
  const previousSports = new Map<string, string[]>();
  for (const v of [...chineseVenues, ...swissGyms]) {
    const data = venueData(v, timeZoneOf.get(v.cityCode)!);
    const where = { cityCode_slug: { cityCode: v.cityCode, slug: v.slug } };
    const before = await venueDb.venue.findUnique({ where, select: { id: true, sports: true } });
    const row = await venueDb.venue.upsert({ where, create: { id: nextId(), ...data }, update: data });
    if (before) previousSports.set(before.id.toString(), venueSports(before.sports));
    seeded.push(row);
    if (v.occupancyName) ids.set(v.occupancyName, row.id);
  }
  // Searchable at once (nearbyVenues), through the same index update a venue write makes; the
  // venue subgraph's periodic resync would otherwise find them only within a minute.
  await indexVenueLocations(redis, seeded, previousSports);
  console.log(
    `venues: ${chineseVenues.length} in China, ${swissGyms.length} in Switzerland (map index updated)`,
  );

  const slotVenues = await venueDb.venue.findMany({ select: { id: true, timeZone: true, sports: true } });
  const slots = await venueDb.bookingSlot.createMany({
    data: demoSlots(new Date(), slotVenues).map((slot) => ({ id: nextId(), ...slot })),
    skipDuplicates: true,
  });
  console.log(`booking slots: ${slots.count} new evening slots for the coming week`);

  if (existsSync(OCCUPANCY_CSV)) {
    const imported = await importHistory(ids);
    console.log(`occupancy history: ${imported.read} samples read, ${imported.inserted} new`);
  } else {
    console.log(`occupancy history: ${OCCUPANCY_CSV.pathname} not found, skipped`);
  }

  // Seeded rows bypass the venue events, so venueSearch learns of them from a rebuild.
  const search = createSearchClient({
    url: process.env.OPENSEARCH_URL || localService.opensearch(),
    timeoutMs: 60_000,
  });
  try {
    const rebuilt = await rebuildSearchIndex(venueDb, search, process.env.SEARCH_INDEX || 'venues');
    console.log(`search index: ${rebuilt.documents} venues in ${rebuilt.index}`);
  } catch (err) {
    console.log(`search index: not rebuilt (${(err as Error).message}); run npm run search:rebuild later`);
  } finally {
    await search.close();
  }

  for (const name of ['demo1', 'demo2', 'demo3']) {
    // Same openid the fake WeChat server gives for the code `test-<name>`, so these users can log in.
    await ensureWeChatUser(userDb, {
      openid: `o-test-${name}`,
      nickname: `演示用户 ${name.slice(-1)}`,
      cityCode: '310000',
    });
  }
  console.log('users: 3 demo users (log in with WeChat code test-demo1 … test-demo3)');

  // Console accounts with known passwords: development only.
  if ((process.env.NODE_ENV ?? 'development') === 'development') {
    const operated = await venueDb.venue.findMany({
      where: { cityCode: '310000' },
      orderBy: { id: 'asc' },
      take: 2,
    });
    await seedConsoleAccounts(
      userDb,
      operated.map((v) => v.id),
      Number(process.env.PASSWORD_SCRYPT_LOG_N ?? 15),
    );
    console.log(
      `console: log in as ${DEMO_OPERATOR.username} / ${DEMO_OPERATOR.password} (operates ${operated.map((v) => v.name).join('、')}) or ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password} (admin)`,
    );
  }
} finally {
  await venueDb.$disconnect();
  await userDb.$disconnect();
  redis.disconnect();
}

function venueData(v: SeedVenue, timeZone: string) {
  return {
    cityCode: v.cityCode,
    slug: v.slug,
    name: v.name,
    address: v.address,
    lat: v.lat,
    lng: v.lng,
    sports: v.sports,
    capacity: v.capacity,
    timeZone,
    openingHours: openingHours(v.hours),
  };
}

/** Streams the CSV and inserts samples in batches; existing (venue, at) rows are left alone. */
async function importHistory(ids: Map<string, bigint>) {
  const file = createReadStream(OCCUPANCY_CSV);
  const input = OCCUPANCY_CSV.pathname.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: string[] | null = null;
  let batch: Array<{ venueId: bigint; at: Date; count: number; source: string }> = [];
  let read = 0;
  let inserted = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    inserted += (await venueDb.occupancySample.createMany({ data: batch, skipDuplicates: true })).count;
    batch = [];
  };
  for await (const line of lines) {
    const cells = line.split(',');
    if (!header) {
      header = cells;
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    const venueId = ids.get(row.venue!);
    // Blank = no number shown (closed or a failed scrape): not a sample of zero people.
    if (venueId === undefined || row.occupancy === '') continue;
    read += 1;
    batch.push({
      venueId,
      at: new Date(row.timestamp_utc!),
      count: Number(row.occupancy),
      source: 'IMPORTED',
    });
    if (batch.length === 5_000) await flush();
  }
  await flush();
  return { read, inserted };
}
