// The search server goes away: venueSearch fails fast with SEARCH_UNAVAILABLE, the rest of the
// subgraph keeps answering, changes made meanwhile wait in Kafka (the indexer commits nothing it
// could not index), and the index catches up when the server returns. A real, isolated OpenSearch
// is stopped and started again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, metricValue } from '@sport-venue/shared/testing';
import { startIsolated, type IsolatedInstance } from '../../../infra/instance.ts';
import { admin, startVenueApp, type VenueTestApp } from './support/venue-app.ts';

let opensearch: IsolatedInstance;
let t: VenueTestApp;

const SEARCH = `query($q: String) {
  cities { code }
  venues(first: 5) { edges { node { name } } }
  venueSearch(query: $q) { totalCount edges { venue { id name } } }
}`;
interface Result {
  cities: Array<{ code: string }>;
  venues: { edges: Array<{ node: { name: string } }> };
  venueSearch: { totalCount: number; edges: Array<{ venue: { id: string; name: string } }> } | null;
}

before(async () => {
  opensearch = await startIsolated('opensearch');
  t = await startVenueApp(
    { OPENSEARCH_URL: opensearch.url, OUTBOX_RELAY_INTERVAL_MS: 50 },
    { background: true },
  );
  await t.app.db.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
});
after(async () => {
  await t?.stop();
  await opensearch?.destroy();
});

describe('search server outage', () => {
  it('answers SEARCH_UNAVAILABLE while the rest works, and catches up from Kafka afterwards', async () => {
    const created = await t.graphql<{ createVenue: { id: string } }>(
      `mutation($input: CreateVenueInput!) { createVenue(input: $input) { id } }`,
      {
        input: {
          cityCode: '310000',
          slug: 'outage',
          name: '长宁体育馆',
          address: '上海市长宁区',
          lat: 31.22,
          lng: 121.42,
          sports: ['basketball'],
          openingHours: [],
        },
      },
      admin(),
    );
    const id = created.data!.createVenue.id;
    await eventually(
      async () => (await t.graphql<Result>(SEARCH, { q: '长宁' })).data?.venueSearch?.totalCount === 1,
      {
        timeoutMs: 30_000,
      },
    );

    await opensearch.stop();
    const down = await t.graphql<Result>(SEARCH, { q: '长宁' });
    assert.equal(down.errors?.length, 1);
    assert.equal(down.errors![0]!.extensions?.code, 'SEARCH_UNAVAILABLE');
    assert.deepEqual(down.errors![0]!.path, ['venueSearch']);
    assert.equal(down.data?.venueSearch, null);
    assert.deepEqual(down.data?.cities, [{ code: '310000' }], 'the rest of the operation is answered');
    assert.deepEqual(
      down.data?.venues.edges.map((e) => e.node.name),
      ['长宁体育馆'],
    );
    assert.equal((await fetch(`${t.app.url}/ready`)).status, 200, 'the subgraph stays ready');

    // A change while the server is down: the event waits in Kafka, uncommitted.
    const renamed = await t.graphql(
      `mutation($id: ID!) { updateVenue(id: $id, input: { name: "长宁网球中心" }) { id } }`,
      { id },
      admin(),
    );
    assert.equal(renamed.errors, undefined);
    const lag = await eventually(async () => {
      const text = await (await fetch(`${t.app.url}/metrics`)).text();
      const value = metricValue(text, 'kafka_consumer_lag', {
        group: t.config.SEARCH_INDEXER_GROUP,
        topic: t.config.VENUE_EVENTS_TOPIC,
      });
      return value !== null && value >= 1 ? value : null;
    });
    assert.ok(lag >= 1);
    const text = await (await fetch(`${t.app.url}/metrics`)).text();
    assert.ok(metricValue(text, 'venue_search_requests_total', { outcome: 'unavailable' })! >= 1);

    await opensearch.start();
    const caughtUp = await eventually(
      async () => {
        const r = await t.graphql<Result>(SEARCH, { q: '网球' });
        return r.data?.venueSearch?.edges[0]?.venue.name === '长宁网球中心';
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    assert.ok(caughtUp);
    await eventually(async () => {
      const after = await (await fetch(`${t.app.url}/metrics`)).text();
      return (
        metricValue(after, 'kafka_consumer_lag', {
          group: t.config.SEARCH_INDEXER_GROUP,
          topic: t.config.VENUE_EVENTS_TOPIC,
        }) === 0
      );
    });
  });
});
