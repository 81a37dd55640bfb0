// Starts the venue subgraph for one test file on its own database, Redis logical DB, Kafka topics
// and pub/sub prefix, with a manual clock and background jobs off (tests run them on demand).
import { IDENTITY_HEADER, mariadbAdapter, signIdentity, type Role, type Viewer } from '@sport-venue/shared';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { createTestDatabase, createTestRedis, testServices, uniqueId } from '@sport-venue/shared/testing';
import { manualClock, type ManualClock } from '../../src/clock.ts';
import { defaultVenueConfig, type VenueConfig } from '../../src/config.ts';
import { startVenueSubgraph } from '../../src/index.ts';
import { createSearchClient } from '../../src/search/search-index.ts';
import { nextId } from '@sport-venue/shared';

/** A Tuesday, 10:00 in Shanghai: every test venue below is open. */
export const TEST_START = '2026-12-01T10:00:00+08:00';

export interface GraphQLResult<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: string[] }>;
}

export const user = (id: number | string, roles: Role[] = ['USER'], venueIds: string[] = []): Viewer => ({
  userId: String(id),
  roles,
  venueIds,
});
export const admin = (id: number | string = 900_001) => user(id, ['USER', 'ADMIN']);
export const operatorOf = (venueId: string, id: number | string = 900_002) =>
  user(id, ['USER', 'VENUE_OPERATOR'], [venueId]);

export interface TestVenue {
  id: string;
  lat: number;
  lng: number;
}

export async function startVenueApp(
  overrides: Partial<VenueConfig> = {},
  {
    clock = manualClock(TEST_START),
    background = false,
    queryEvents = false,
    redisUrl = testServices.redisUrl,
  }: {
    clock?: ManualClock;
    background?: boolean;
    /** Build the Prisma client with query events (tests that count SQL round trips). */
    queryEvents?: boolean;
    /** A single node (default) or testServices.redisClusterUrl: isolated by DB or key prefix. */
    redisUrl?: string;
  } = {},
) {
  const [database, redis] = await Promise.all([createTestDatabase('venue'), createTestRedis(redisUrl)]);
  const config: VenueConfig = {
    ...defaultVenueConfig(),
    NODE_ENV: 'test',
    LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent',
    VENUE_PORT: 0,
    VENUE_DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    KAFKA_BROKERS: testServices.kafkaBrokers,
    CHECKIN_EVENTS_TOPIC: uniqueId('checkin.events.'),
    BOOKING_EVENTS_TOPIC: uniqueId('booking.events.'),
    VENUE_EVENTS_TOPIC: uniqueId('venue.events.'),
    SEARCH_INDEX: uniqueId('test-venues-'),
    SEARCH_INDEXER_GROUP: uniqueId('venue-search-'),
    OPENSEARCH_URL: testServices.opensearchUrl,
    PUBSUB_PREFIX: `${uniqueId('t')}:`,
    ...overrides,
  };
  const db = queryEvents
    ? new PrismaClient({
        adapter: mariadbAdapter(database.url),
        log: [{ emit: 'event', level: 'query' }],
      })
    : undefined;
  const app = await startVenueSubgraph(config, { clock, background, db });
  const tokens = new Map<string, { token: string; until: number }>();

  // The identity header the router would send, valid as long as a test may wait for an answer
  // (the run's --test-timeout): the router signs for 60 s and gives up on a subgraph after 10 s,
  // but these tests have no such deadline. With hundreds of requests at once on a starved
  // machine, the subgraph read the last of them 40–60 s after they were sent (load 15–40), so a
  // 60-s header had expired by then and the check-in was refused as UNAUTHENTICATED.
  const IDENTITY_LIFETIME_S = 600;
  async function identity(viewer: Viewer): Promise<string> {
    const key = JSON.stringify(viewer);
    const hit = tokens.get(key);
    if (hit && hit.until > Date.now()) return hit.token;
    const token = await signIdentity(
      viewer,
      config.INTERNAL_IDENTITY_SECRET,
      Date.now(),
      IDENTITY_LIFETIME_S,
    );
    tokens.set(key, { token, until: Date.now() + (IDENTITY_LIFETIME_S * 1000) / 2 });
    return token;
  }

  async function graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    viewer?: Viewer,
    extraHeaders: Record<string, string> = {},
  ): Promise<GraphQLResult<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
    if (viewer) headers[IDENTITY_HEADER] = await identity(viewer);
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResult<T>;
  }

  let slugs = 0;
  async function createVenue(
    data: Partial<{
      cityCode: string;
      name: string;
      lat: number;
      lng: number;
      capacity: number | null;
      timeZone: string;
      openingHours: Record<string, Array<[number, number]>>;
      checkinRadiusM: number;
      typicalStayMin: number;
      sports: string[];
    }> = {},
  ): Promise<TestVenue> {
    const cityCode = data.cityCode ?? '310000';
    await app.db.city.upsert({
      where: { code: cityCode },
      create: {
        code: cityCode,
        name: cityCode === '310000' ? '上海' : cityCode,
        timeZone: data.timeZone ?? 'Asia/Shanghai',
      },
      update: {},
    });
    slugs += 1;
    const allDay = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]]));
    const venue = await app.db.venue.create({
      data: {
        id: nextId(),
        cityCode,
        slug: `test-venue-${slugs}`,
        name: data.name ?? `测试场馆 ${slugs}`,
        address: '上海市静安区江宁路 428 号',
        lat: data.lat ?? 31.2304,
        lng: data.lng ?? 121.4537,
        sports: data.sports ?? ['basketball'],
        capacity: data.capacity === undefined ? 100 : data.capacity,
        timeZone: data.timeZone ?? 'Asia/Shanghai',
        openingHours: data.openingHours ?? allDay,
        checkinRadiusM: data.checkinRadiusM ?? 200,
        typicalStayMin: data.typicalStayMin ?? 90,
      },
    });
    return { id: venue.id.toString(), lat: venue.lat, lng: venue.lng };
  }

  return {
    app,
    config,
    clock,
    redisUrl: redis.url,
    graphql,
    createVenue,
    async stop() {
      const search = createSearchClient({ url: config.OPENSEARCH_URL, timeoutMs: 5_000 });
      await app.stop();
      await database.drop();
      // This file's indices (the alias is unique to it); best effort when OpenSearch is gone.
      await search.indices.delete({ index: `${config.SEARCH_INDEX}-*` }).catch(() => undefined);
      await search.close();
    },
  };
}

export type VenueTestApp = Awaited<ReturnType<typeof startVenueApp>>;

export const CHECK_IN = `mutation($input: CheckInInput!) {
  checkIn(input: $input) {
    replayed
    session { id startedAt expiresAt endedAt minutes endReason counted venue { id currentCount } }
    previous { id endedAt minutes endReason venue { id currentCount } }
  }
}`;

export const CHECK_OUT = `mutation($venueId: ID!) {
  checkOut(venueId: $venueId) { replayed session { id startedAt endedAt minutes endReason counted } }
}`;

export function checkInInput(
  venue: TestVenue,
  over: Partial<{ lat: number; lng: number; accuracyM: number; idempotencyKey: string }> = {},
) {
  return {
    venueId: venue.id,
    lat: venue.lat,
    lng: venue.lng,
    accuracyM: 15,
    idempotencyKey: uniqueId('idem-'),
    ...over,
  };
}
