// Venue catalogue, geo search, live readings from history, headcount sampling, authorisation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { redisKeys } from '@sport-venue/shared';
import { presenceKeys } from '../src/presence/presence-keys.ts';
import { resyncGeoIndex } from '../src/catalog/geo-index.ts';
import {
  TEST_START,
  admin,
  operatorOf,
  startVenueApp,
  user,
  type VenueTestApp,
} from './support/venue-app.ts';

let t: VenueTestApp;
let redis: Redis;

before(async () => {
  t = await startVenueApp();
  redis = new Redis(t.redisUrl);
  await t.app.db.city.create({ data: { code: '440300', name: '深圳', timeZone: 'Asia/Shanghai' } });
});
after(async () => {
  redis?.disconnect();
  await t?.stop();
});

const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  r.errors?.[0]?.extensions?.code;
const CREATE = `mutation($input: CreateVenueInput!) { createVenue(input: $input) { id name sports timeZone checkinRadiusM typicalStayMin capacity city { code } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateVenueInput!) { updateVenue(id: $id, input: $input) { id name sports location { lat lng } capacity } }`;
const NEARBY = `query($lat: Float!, $lng: Float!, $r: Float, $sport: String) {
  nearbyVenues(lat: $lat, lng: $lng, radiusKm: $r, sport: $sport) { distanceM venue { id name } }
}`;
const everyDay = (open: number, close: number) =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, spans: [{ openMinute: open, closeMinute: close }] }));
const shenzhenBay = { lat: 22.5205, lng: 113.9436 };
const newVenue = (slug: string, over: Record<string, unknown> = {}) => ({
  cityCode: '440300',
  slug,
  name: `深圳湾 ${slug}`,
  address: '南山区滨海大道 3001 号',
  ...shenzhenBay,
  sports: ['badminton'],
  openingHours: everyDay(360, 1320),
  ...over,
});

describe('venue administration', () => {
  it('only admins create venues; defaults come from the city and the product rules', async () => {
    const input = newVenue('admin-made');
    assert.equal(codeOf(await t.graphql(CREATE, { input })), 'UNAUTHENTICATED');
    assert.equal(codeOf(await t.graphql(CREATE, { input }, user(1))), 'FORBIDDEN');
    assert.equal(codeOf(await t.graphql(CREATE, { input }, operatorOf('1'))), 'FORBIDDEN');
    const created = await t.graphql<{ createVenue: Record<string, unknown> }>(CREATE, { input }, admin());
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    assert.deepEqual(
      { ...created.data!.createVenue, id: undefined },
      {
        id: undefined,
        name: '深圳湾 admin-made',
        sports: ['badminton'],
        timeZone: 'Asia/Shanghai',
        checkinRadiusM: 200,
        typicalStayMin: 90,
        capacity: null,
        city: { code: '440300' },
      },
    );
    assert.equal(
      codeOf(await t.graphql(CREATE, { input }, admin())),
      'BAD_USER_INPUT',
      'slug taken in the city',
    );
    assert.equal(
      codeOf(await t.graphql(CREATE, { input: newVenue('x', { cityCode: '999999' }) }, admin())),
      'BAD_USER_INPUT',
    );
  });

  it('operators of the venue (and admins) update it; the geo index follows', async () => {
    const id = (
      await t.graphql<{ createVenue: { id: string } }>(CREATE, { input: newVenue('movable') }, admin())
    ).data!.createVenue.id;
    const input = { name: '新名字', lat: 22.6, lng: 114.05, sports: ['swimming'], capacity: 50 };
    assert.equal(codeOf(await t.graphql(UPDATE, { id, input }, user(2))), 'FORBIDDEN');
    assert.equal(codeOf(await t.graphql(UPDATE, { id, input }, operatorOf('987654'))), 'FORBIDDEN');
    const updated = await t.graphql<{ updateVenue: Record<string, unknown> }>(
      UPDATE,
      { id, input },
      operatorOf(id),
    );
    assert.deepEqual(updated.data!.updateVenue, {
      id,
      name: '新名字',
      sports: ['swimming'],
      location: { lat: 22.6, lng: 114.05 },
      capacity: 50,
    });
    const near = await t.graphql<{ nearbyVenues: Array<{ venue: { id: string } }> }>(NEARBY, {
      lat: 22.6,
      lng: 114.05,
      r: 1,
    });
    assert.deepEqual(
      near.data!.nearbyVenues.map((n) => n.venue.id),
      [id],
    );
    const oldSport = await t.graphql<{ nearbyVenues: unknown[] }>(NEARBY, {
      lat: 22.6,
      lng: 114.05,
      r: 1,
      sport: 'badminton',
    });
    assert.deepEqual(oldSport.data!.nearbyVenues, [], 'removed from the sport it no longer offers');
    const cleared = await t.graphql<{ updateVenue: { capacity: null } }>(
      UPDATE,
      { id, input: { clearCapacity: true } },
      admin(),
    );
    assert.equal(cleared.data!.updateVenue.capacity, null);
    assert.equal(codeOf(await t.graphql(UPDATE, { id: '99999999', input }, admin())), 'VENUE_NOT_FOUND');
  });

  it('refused settings carry a stable reason and its limits (extensions.reason, min, max), nothing written', async () => {
    const id = (
      await t.graphql<{ createVenue: { id: string } }>(CREATE, { input: newVenue('strict') }, admin())
    ).data!.createVenue.id;
    const refusal = async (input: Record<string, unknown>) => {
      const result = await t.graphql(UPDATE, { id, input }, operatorOf(id));
      assert.equal(result.data, null);
      const { stacktrace, ...extensions } = result.errors?.[0]?.extensions ?? {};
      assert.equal(stacktrace, undefined);
      return extensions;
    };
    assert.deepEqual(await refusal({ checkinRadiusM: 5, capacity: 99 }), {
      code: 'BAD_USER_INPUT',
      field: 'checkinRadiusM',
      reason: 'INTEGER_RANGE',
      min: 20,
      max: 5000,
    });
    assert.deepEqual(await refusal({ name: ' ' }), {
      code: 'BAD_USER_INPUT',
      field: 'name',
      reason: 'LENGTH',
      min: 1,
      max: 191,
    });
    assert.deepEqual(await refusal({ sports: ['Tennis!'] }), {
      code: 'BAD_USER_INPUT',
      field: 'sports',
      reason: 'FORMAT',
      format: 'SPORT_KEY',
      value: 'tennis!',
    });
    assert.deepEqual(await refusal({ timeZone: 'Mars/Base' }), {
      code: 'BAD_USER_INPUT',
      field: 'timeZone',
      reason: 'TIME_ZONE',
      value: 'Mars/Base',
    });
    assert.deepEqual(
      await refusal({
        openingHours: [
          {
            weekday: 3,
            spans: [
              { openMinute: 480, closeMinute: 720 },
              { openMinute: 600, closeMinute: 900 },
            ],
          },
        ],
      }),
      { code: 'BAD_USER_INPUT', field: 'openingHours', reason: 'SPANS_OVERLAP', weekday: 3 },
    );
    const row = await t.app.db.venue.findUnique({ where: { id: BigInt(id) } });
    assert.deepEqual([row?.checkinRadiusM, row?.capacity, row?.name], [200, null, '深圳湾 strict']);
  });
});

describe('finding venues', () => {
  it('nearbyVenues: Redis GEO search, nearest first, within the radius, by sport', async () => {
    const base = { lat: 22.75, lng: 114.25 }; // clear of the other tests' venues
    const mk = async (slug: string, dLat: number, sports: string[]) =>
      (
        await t.graphql<{ createVenue: { id: string } }>(
          CREATE,
          { input: newVenue(slug, { lat: base.lat + dLat, lng: base.lng, sports }) },
          admin(),
        )
      ).data!.createVenue.id;
    const near = await mk('near', 0.005, ['basketball']);
    const mid = await mk('mid', 0.02, ['basketball', 'swimming']);
    await mk('far', 0.2, ['basketball']);
    const all = await t.graphql<{ nearbyVenues: Array<{ distanceM: number; venue: { id: string } }> }>(
      NEARBY,
      { ...base, r: 5 },
    );
    assert.deepEqual(
      all.data!.nearbyVenues.map((n) => n.venue.id),
      [near, mid],
    );
    assert.ok(
      Math.abs(all.data!.nearbyVenues[0]!.distanceM - 556) < 5,
      String(all.data!.nearbyVenues[0]!.distanceM),
    );
    const swimming = await t.graphql<{ nearbyVenues: Array<{ venue: { id: string } }> }>(NEARBY, {
      ...base,
      r: 5,
      sport: 'swimming',
    });
    assert.deepEqual(
      swimming.data!.nearbyVenues.map((n) => n.venue.id),
      [mid],
    );
    assert.equal(codeOf(await t.graphql(NEARBY, { lat: 95, lng: 0 })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await t.graphql(NEARBY, { ...base, r: 500 })), 'BAD_USER_INPUT');
  });

  it('a full geo resync removes what the database no longer has, e.g. a sport whose index update failed', async () => {
    const spot = { lat: 22.81, lng: 114.31 }; // clear of the other tests' venues
    const id = (
      await t.graphql<{ createVenue: { id: string } }>(
        CREATE,
        { input: newVenue('resynced', { ...spot, sports: ['tennis'] }) },
        admin(),
      )
    ).data!.createVenue.id;
    // The venue stops offering tennis, but the index update is lost (written behind its back).
    await t.app.db.venue.update({ where: { id: BigInt(id) }, data: { sports: ['squash'] } });
    // And members nothing in the database backs: in a sport key, the main key, a sport nobody offers.
    await redis.geoadd(presenceKeys.geoSport('tennis'), spot.lng, spot.lat, '987654321');
    await redis.geoadd(presenceKeys.geo(), spot.lng, spot.lat, '987654321');
    await redis.geoadd(presenceKeys.geoSport('curling'), spot.lng, spot.lat, '987654322');

    const indexed = await resyncGeoIndex(t.app.db, redis, null);
    assert.ok(indexed >= 1, String(indexed));

    assert.equal(await redis.zscore(presenceKeys.geoSport('tennis'), id), null, 'no longer offers tennis');
    assert.equal(await redis.zscore(presenceKeys.geoSport('tennis'), '987654321'), null);
    assert.equal(await redis.zscore(presenceKeys.geo(), '987654321'), null);
    assert.equal(await redis.exists(presenceKeys.geoSport('curling')), 0, 'a sport no venue offers');
    assert.notEqual(await redis.zscore(presenceKeys.geoSport('squash'), id), null);
    assert.notEqual(await redis.zscore(presenceKeys.geo(), id), null);
    assert.equal(await redis.ttl(presenceKeys.geo()), -1, 'the rebuilt key does not expire');
    assert.deepEqual(await redis.keys(presenceKeys.geoRebuild('*')), [], 'no temporary keys left');
    const tennis = await t.graphql<{ nearbyVenues: unknown[] }>(NEARBY, { ...spot, r: 1, sport: 'tennis' });
    assert.deepEqual(tennis.data!.nearbyVenues, []);
    const squash = await t.graphql<{ nearbyVenues: Array<{ venue: { id: string } }> }>(NEARBY, {
      ...spot,
      r: 1,
      sport: 'squash',
    });
    assert.deepEqual(
      squash.data!.nearbyVenues.map((n) => n.venue.id),
      [id],
    );
  });

  it('venues: cursor pages within a city, filtered by sport', async () => {
    const query = `query($after: String) { venues(cityCode: "440300", sport: "basketball", first: 2, after: $after) {
      edges { cursor node { id sports } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      venues: {
        edges: Array<{ node: { id: string; sports: string[] } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await t.graphql<Page>(query);
    assert.equal(first.data!.venues.edges.length, 2);
    assert.equal(first.data!.venues.pageInfo.hasNextPage, true);
    const second = await t.graphql<Page>(query, { after: first.data!.venues.pageInfo.endCursor });
    const ids = [...first.data!.venues.edges, ...second.data!.venues.edges].map((e) => e.node);
    assert.equal(ids.length, 3);
    assert.ok(ids.every((v) => v.sports.includes('basketball')));
    assert.equal(second.data!.venues.pageInfo.hasNextPage, false);
  });

  it('resolves venue entities for the router (federation)', async () => {
    const venue = await t.createVenue({ name: '实体' });
    const r = await t.graphql<{ _entities: Array<{ name: string }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Venue { name } } }`,
      { r: [{ __typename: 'Venue', id: venue.id }] },
    );
    assert.deepEqual(r.data!._entities, [{ name: '实体' }]);
  });
});

describe('live readings', () => {
  it('isOpenNow follows the opening hours in the venue zone', async () => {
    const open = await t.createVenue({ openingHours: { 2: [[540, 1200]] } }); // Tuesday 09:00–20:00
    const closed = await t.createVenue({ openingHours: { 2: [[1200, 1320]] } });
    const r = await t.graphql<{ a: { isOpenNow: boolean }; b: { isOpenNow: boolean } }>(
      `{ a: venue(id: "${open.id}") { isOpenNow } b: venue(id: "${closed.id}") { isOpenNow } }`,
    );
    assert.deepEqual(r.data, { a: { isOpenNow: true }, b: { isOpenNow: false } });
  });

  it('popular times, level and "as usual" come from the imported history when there is no capacity', async () => {
    const venue = await t.createVenue({ capacity: null });
    // Eight Tuesdays of history: 10:00 local holds 10 people, 18:00 holds 50 (the peak).
    const rows = [];
    for (let week = 1; week <= 8; week++) {
      const tuesday = Date.parse(TEST_START) - week * 7 * 86_400_000;
      rows.push({ venueId: BigInt(venue.id), at: new Date(tuesday), count: 10, source: 'IMPORTED' });
      rows.push({
        venueId: BigInt(venue.id),
        at: new Date(tuesday + 8 * 3_600_000),
        count: 50,
        source: 'IMPORTED',
      });
    }
    await t.app.db.occupancySample.createMany({ data: rows });
    await redis.set(redisKeys.venueCurrent(venue.id), '45');
    const r = await t.graphql<{
      venue: {
        occupancyLevel: string;
        occupancyPercent: null;
        comparedToUsual: string;
        popularTimes: Array<{ weekday: number; hours: number[] }>;
      };
    }>(
      `{ venue(id: "${venue.id}") { occupancyLevel occupancyPercent comparedToUsual popularTimes { weekday hours } } }`,
    );
    const v = r.data!.venue;
    assert.equal(v.popularTimes.length, 7);
    const tuesday = v.popularTimes.find((d) => d.weekday === 2)!;
    assert.deepEqual([tuesday.hours[10], tuesday.hours[18], tuesday.hours[3]], [20, 100, 0]);
    assert.equal(v.occupancyLevel, 'VERY_BUSY', '45 against a usual peak of 50');
    assert.equal(v.occupancyPercent, null);
    assert.equal(v.comparedToUsual, 'BUSIER_THAN_USUAL', '45 against 10 usual at 10:00 on Tuesdays');
  });

  it('occupancyHistory aggregates samples per bucket and bounds the range', async () => {
    const venue = await t.createVenue();
    const start = Date.parse('2026-11-30T00:00:00Z');
    await t.app.db.occupancySample.createMany({
      data: [0, 5, 10, 65].map((min, i) => ({
        venueId: BigInt(venue.id),
        at: new Date(start + min * 60_000),
        count: [2, 4, 6, 10][i]!,
        source: 'SAMPLED',
      })),
    });
    const q = `query($from: String!, $to: String!, $b: HistoryBucket) { venue(id: "${venue.id}") { occupancyHistory(from: $from, to: $to, bucket: $b) { at count max samples } } }`;
    const r = await t.graphql<{ venue: { occupancyHistory: unknown[] } }>(q, {
      from: '2026-11-30T00:00:00Z',
      to: '2026-11-30T02:00:00Z',
      b: 'HOUR',
    });
    assert.deepEqual(r.data!.venue.occupancyHistory, [
      { at: '2026-11-30T00:00:00.000Z', count: 4, max: 6, samples: 3 },
      { at: '2026-11-30T01:00:00.000Z', count: 10, max: 10, samples: 1 },
    ]);
    const tooLong = await t.graphql(q, {
      from: '2020-01-01T00:00:00Z',
      to: '2026-01-01T00:00:00Z',
      b: 'FIVE_MINUTES',
    });
    assert.equal(codeOf(tooLong), 'BAD_USER_INPUT');
  });

  it('samples every open venue’s headcount at the interval, once per tick even if run twice', async () => {
    const open = await t.createVenue();
    const closedEmpty = await t.createVenue({ openingHours: {} });
    const closedBusy = await t.createVenue({ openingHours: {} });
    await redis.set(redisKeys.venueCurrent(open.id), '7');
    await redis.set(redisKeys.venueCurrent(closedBusy.id), '2');
    t.clock.set('2026-12-01T10:07:30+08:00');
    await t.app.jobs.sampleOccupancy();
    await t.app.jobs.sampleOccupancy();
    t.clock.set(TEST_START);
    const samples = await t.app.db.occupancySample.findMany({
      where: { venueId: { in: [open, closedEmpty, closedBusy].map((v) => BigInt(v.id)) } },
    });
    assert.deepEqual(
      samples.map((s) => [s.venueId.toString(), s.at.toISOString(), s.count, s.source]).sort(),
      [
        [open.id, '2026-12-01T02:05:00.000Z', 7, 'SAMPLED'],
        [closedBusy.id, '2026-12-01T02:05:00.000Z', 2, 'SAMPLED'],
      ].sort(),
    );
  });

  it('occupancyChanged cannot be executed by the subgraph itself: it says to use the router', async () => {
    const r = await t.graphql(`subscription { occupancyChanged(venueId: "1") { currentCount } }`);
    assert.equal(codeOf(r), 'SUBSCRIPTION_NOT_SUPPORTED');
  });
});
