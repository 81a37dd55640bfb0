// venueSearch against a real OpenSearch: Chinese without spaces, Latin typos, filters, distance
// ranking, pagination, live busyness on hits, venue events reaching the index through the outbox
// and Kafka, and the alias-swapping rebuild.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, metricValue } from '@sport-venue/shared/testing';
import { aliasTargets, rebuildSearchIndex } from '../src/search/search-index.ts';
import {
  CHECK_IN,
  TEST_START,
  admin,
  checkInInput,
  operatorOf,
  startVenueApp,
  user,
  type VenueTestApp,
} from './support/venue-app.ts';

let t: VenueTestApp;

const CREATE = `mutation($input: CreateVenueInput!) { createVenue(input: $input) { id } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateVenueInput!) { updateVenue(id: $id, input: $input) { id } }`;
const SEARCH = `query($q: String, $city: String, $sport: String, $near: GeoPointInput, $open: Boolean, $first: Int, $after: String) {
  venueSearch(query: $q, cityCode: $city, sport: $sport, near: $near, open: $open, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor distanceM score venue { id name currentCount occupancyLevel } }
  }
}`;

interface SearchResult {
  venueSearch: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      cursor: string;
      distanceM: number | null;
      score: number;
      venue: { id: string; name: string; currentCount: number; occupancyLevel: string | null };
    }>;
  } | null;
}

const everyDay = (open: number, close: number) =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, spans: [{ openMinute: open, closeMinute: close }] }));
const weekendsOnly = [6, 7].map((weekday) => ({ weekday, spans: [{ openMinute: 480, closeMinute: 1200 }] }));
// Jing'an, Shanghai; the others at growing distances from it.
const jingan = { lat: 31.2235, lng: 121.4455 };

const ids: Record<string, string> = {};
let slug = 0;
async function create(key: string, over: Record<string, unknown>) {
  const input = {
    cityCode: '310000',
    slug: `s-${++slug}`,
    address: '上海市',
    ...jingan,
    sports: ['basketball'],
    capacity: 50,
    openingHours: everyDay(360, 1320),
    ...over,
  };
  const res = await t.graphql<{ createVenue: { id: string } }>(CREATE, { input }, admin());
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  ids[key] = res.data!.createVenue.id;
}

async function search(vars: Record<string, unknown>) {
  const res = await t.graphql<SearchResult>(SEARCH, vars);
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.venueSearch!;
}
const names = (r: Awaited<ReturnType<typeof search>>) => r.edges.map((e) => e.venue.name);

before(async () => {
  // Background on: the outbox relay and the search indexer run as in production.
  t = await startVenueApp({ OUTBOX_RELAY_INTERVAL_MS: 50 }, { background: true });
  await t.app.db.city.createMany({
    data: [
      { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
      { code: '440300', name: '深圳', timeZone: 'Asia/Shanghai' },
      { code: '8000', name: 'Zürich', timeZone: 'Europe/Zurich' },
    ],
  });
  await create('jinganCentre', { name: '静安体育中心', address: '上海市静安区南京西路 1 号' });
  await create('xuhuiCentre', {
    name: '徐汇体育中心',
    address: '上海市徐汇区漕溪北路 1111 号',
    lat: 31.183,
    lng: 121.438,
    sports: ['swimming', 'basketball'],
  });
  await create('jinganPool', {
    name: '静安游泳馆',
    address: '上海市静安区康定路 2 号',
    lat: 31.229,
    lng: 121.447,
    sports: ['swimming'],
  });
  await create('pudongPool', {
    name: '浦东游泳馆',
    address: '上海市浦东新区世纪大道 8 号',
    lat: 31.235,
    lng: 121.53,
    sports: ['swimming'],
    openingHours: weekendsOnly,
  });
  await create('shenzhen', {
    cityCode: '440300',
    name: '深圳湾体育中心',
    address: '南山区滨海大道 3001 号',
    lat: 22.5205,
    lng: 113.9436,
    sports: ['badminton'],
  });
  await create('zurich', {
    cityCode: '8000',
    name: 'Fitness Parc Allmend',
    address: 'Allmendstrasse 20, Zürich',
    lat: 47.3541,
    lng: 8.5233,
    sports: ['gym'],
  });
  // Everything created above reached the index through outbox → Kafka → indexer.
  await eventually(async () => (await search({ first: 50 })).totalCount === 6, { timeoutMs: 30_000 });
});
after(async () => {
  await t?.stop();
});

describe('venue search', () => {
  it('finds Chinese names by a substring without spaces, and only those', async () => {
    const result = await search({ q: '体育中心' });
    assert.deepEqual(names(result).sort(), ['徐汇体育中心', '深圳湾体育中心', '静安体育中心'].sort());
    assert.deepEqual(names(await search({ q: '静安' })).sort(), ['静安体育中心', '静安游泳馆'].sort());
  });

  it('matches a single Chinese character', async () => {
    assert.deepEqual(names(await search({ q: '馆' })).sort(), ['浦东游泳馆', '静安游泳馆'].sort());
  });

  it('forgives typos in Latin names and ignores case and accents', async () => {
    assert.deepEqual(names(await search({ q: 'fitnes prac' })), ['Fitness Parc Allmend']);
    assert.deepEqual(names(await search({ q: 'ZURICH' })), ['Fitness Parc Allmend']);
    assert.deepEqual(names(await search({ q: 'qqqqqq' })), []);
  });

  it('filters by city and sport', async () => {
    assert.deepEqual(names(await search({ q: '体育中心', city: '440300' })), ['深圳湾体育中心']);
    assert.deepEqual(
      names(await search({ sport: 'swimming', city: '310000' })).sort(),
      ['徐汇体育中心', '浦东游泳馆', '静安游泳馆'].sort(),
    );
    assert.deepEqual(names(await search({ q: 'swimming', near: jingan })).slice(0, 1), ['静安游泳馆']);
  });

  it('ranks by distance from near (nearest first) and reports the distance', async () => {
    const result = await search({ sport: 'swimming', near: jingan });
    assert.deepEqual(names(result), ['静安游泳馆', '徐汇体育中心', '浦东游泳馆']);
    const distances = result.edges.map((e) => e.distanceM!);
    assert.deepEqual(
      [...distances].sort((a, b) => a - b),
      distances,
    );
    assert.ok(distances[0]! > 500 && distances[0]! < 800, `静安游泳馆 is ~640 m away, got ${distances[0]}`);
    // Text relevance times closeness: of the two sports centres, the near one comes first.
    assert.deepEqual(names(await search({ q: '体育中心', near: jingan })).slice(0, 2), [
      '静安体育中心',
      '徐汇体育中心',
    ]);
  });

  it('filters on open now in the venue time zone', async () => {
    // TEST_START is a Tuesday 10:00 in Shanghai: the Pudong pool opens on weekends only.
    assert.equal(new Date(TEST_START).getUTCDay(), 2);
    const open = names(await search({ sport: 'swimming', open: true }));
    assert.deepEqual(open.sort(), ['徐汇体育中心', '静安游泳馆'].sort());
    assert.deepEqual(names(await search({ sport: 'swimming', open: false })), ['浦东游泳馆']);
    // Zürich is at 03:00 on Tuesday: closed there (open 06:00–22:00), whatever Shanghai's time.
    assert.deepEqual(names(await search({ q: 'fitness', open: true })), []);
  });

  it('pages with cursors: no hit twice, none skipped', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await search({ first: 2, after, near: jingan });
      seen.push(...page.edges.map((e) => e.venue.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), Object.values(ids).sort());
    const bad = await t.graphql(SEARCH, { after: 'not-a-cursor' });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const big = await t.graphql(SEARCH, { first: 51 });
    assert.equal(big.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  it('carries the live headcount and busyness label on each hit', async () => {
    const venue = { id: ids.jinganPool!, lat: 31.229, lng: 121.447 };
    for (const u of [71, 72, 73]) {
      const res = await t.graphql(CHECK_IN, { input: checkInInput(venue) }, user(u));
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    }
    const [hit] = (await search({ q: '静安游泳馆' })).edges;
    assert.equal(hit!.venue.currentCount, 3);
    assert.ok(hit!.venue.occupancyLevel, 'a venue with a capacity has a busyness level');
  });

  it('makes a venue update searchable within seconds (outbox → Kafka → index)', async () => {
    const started = Date.now();
    const res = await t.graphql(
      UPDATE,
      { id: ids.xuhuiCentre, input: { name: '徐家汇网球中心', sports: ['tennis'] } },
      operatorOf(ids.xuhuiCentre!),
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const found = await eventually(
      async () => names(await search({ q: '网球' })).includes('徐家汇网球中心'),
      {
        timeoutMs: 10_000,
        intervalMs: 25,
      },
    );
    assert.ok(found);
    const latencyMs = Date.now() - started;
    assert.deepEqual(names(await search({ q: '徐汇体育中心' })), [], 'the old name is gone');
    const text = await (await fetch(`${t.app.url}/metrics`)).text();
    assert.ok(metricValue(text, 'venue_search_index_events_total', { outcome: 'indexed' })! >= 7);
    assert.ok(metricValue(text, 'venue_search_requests_total', { outcome: 'ok' })! >= 1);
    console.log(JSON.stringify({ updateToSearchableMs: latencyMs }));
  });

  it('rebuilds the index from the database and swaps it in while searches keep answering', async () => {
    // A venue written straight to the database (no event): only a rebuild can index it.
    await t.createVenue({ name: '虹口足球场', lat: 31.272, lng: 121.479, sports: ['football'] });
    assert.deepEqual(names(await search({ q: '虹口足球场' })), []);
    const before = await aliasTargets(t.app.searchClient, t.config.SEARCH_INDEX);
    let stop = false;
    let searches = 0;
    const failures: unknown[] = [];
    const load = (async () => {
      while (!stop) {
        const res = await t.graphql<SearchResult>(SEARCH, { q: '体育中心' });
        if (res.errors || res.data!.venueSearch!.totalCount < 2) failures.push(res.errors ?? res.data);
        searches++;
      }
    })();
    const result = await rebuildSearchIndex(t.app.db, t.app.searchClient, t.config.SEARCH_INDEX);
    stop = true;
    await load;
    assert.deepEqual(failures, []);
    assert.ok(searches > 0);
    assert.equal(result.documents, 7);
    assert.deepEqual(result.previous, before);
    assert.deepEqual(await aliasTargets(t.app.searchClient, t.config.SEARCH_INDEX), [result.index]);
    assert.deepEqual(names(await search({ q: '虹口足球场' })), ['虹口足球场']);
    assert.deepEqual(names(await search({ q: '网球' })), ['徐家汇网球中心']);
    const old = await t.app.searchClient.indices.exists({ index: before[0]! });
    assert.equal(old.body, false, 'the previous index is deleted');
  });
});
