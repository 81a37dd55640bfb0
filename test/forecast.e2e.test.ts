// Scenario: forecasts through the router are made from the venue subgraph's data — its time zone,
// opening hours, capacity and headcount history travel to the prediction subgraph by @requires,
// hidden from clients — and a page of venues costs one model call.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  startTestModelServer,
  tempArtifactDir,
  writeTinyArtifact,
} from '../subgraphs/prediction/test/support/model.ts';
import { startGraph, type Graph } from './support/graph.ts';
import { nextId } from '@sport-venue/shared';

const HOUR_MS = 3_600_000;
const TZ = 'Asia/Shanghai';
const localHour = (at: string | number) =>
  Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(
      new Date(at),
    ),
  );
const isOpen = (at: string | number) => localHour(at) >= 7 && localHour(at) < 22;

interface Point {
  at: string;
  expected: number;
  open: boolean;
  basis?: string;
}

describe('forecasts through the router', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let model: Awaited<ReturnType<typeof startTestModelServer>>;
  let graph: Graph;
  const venues: Record<'small' | 'large', string> = { small: '', large: '' };

  before(async () => {
    artifacts = await tempArtifactDir();
    await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
    model = await startTestModelServer(artifacts.dir);
    graph = await startGraph({ predictionEnv: { PREDICTOR_URL: `127.0.0.1:${model.port}` } });
    const db = graph.venue.db;
    await db.city.create({ data: { code: '310000', name: '上海', timeZone: TZ } });
    const current = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    // Two gyms unknown to the model, open 07:00–22:00; the large one has had 4× the people.
    for (const [key, factor] of [
      ['small', 1],
      ['large', 4],
    ] as const) {
      const venue = await db.venue.create({
        data: {
          id: nextId(),
          cityCode: '310000',
          slug: `gym-${key}`,
          name: `健身房 ${key}`,
          address: '上海市静安区江宁路 428 号',
          lat: 31.23,
          lng: 121.45,
          sports: ['gym'],
          capacity: null,
          timeZone: TZ,
          openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[420, 1320]]])),
        },
      });
      venues[key] = venue.id.toString();
      const samples = [];
      for (let h = 14 * 24; h >= 1; h--) {
        const at = current - h * HOUR_MS;
        if (!isOpen(at)) continue;
        samples.push({
          venueId: venue.id,
          at: new Date(at),
          count: factor * (5 + (localHour(at) % 7)),
          source: 'SEEDED',
        });
      }
      await db.occupancySample.createMany({ data: samples });
    }
  });

  after(async () => {
    await graph?.stop();
    await model?.stop();
    await artifacts?.remove();
  });

  it('forecasts follow the venue’s opening hours in its own time zone, and its history sets the scale', async () => {
    const result = await graph.graphql<{
      small: { forecast: Point[]; bestTimeToVisit: Point | null };
      large: { forecast: Point[] };
    }>(
      `query($small: ID!, $large: ID!) {
        small: venue(id: $small) { forecast(hours: 24) { at expected open basis } bestTimeToVisit { at expected open } }
        large: venue(id: $large) { forecast(hours: 24) { at expected open } }
      }`,
      venues,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const { small, large } = result.data!;
    for (const p of small.forecast) {
      assert.equal(p.basis, 'MODEL', 'a trained artifact is loaded');
      assert.equal(p.open, isOpen(p.at), `${p.at} = ${localHour(p.at)}:00 in Shanghai`);
      if (!p.open) assert.equal(p.expected, 0);
    }
    // Null only once today's last open hour (21:00) has passed in Shanghai.
    if (small.bestTimeToVisit) assert.ok(isOpen(small.bestTimeToVisit.at));
    else assert.ok(localHour(Date.now()) >= 22, 'no open hour left today');
    const sum = (points: Point[]) => points.reduce((s, p) => s + p.expected, 0);
    const ratio = sum(large.forecast) / sum(small.forecast);
    assert.ok(ratio > 2.5 && ratio < 6, `4× the history forecasts ${ratio.toFixed(2)}× the people`);
  });

  it('answers a page of venues with one call to the model', async () => {
    await graph.prediction.redis.flushdb();
    const calls = model.calls.length;
    const result = await graph.graphql<{ venues: { edges: Array<{ node: { forecast: Point[] } }> } }>(
      `{ venues(first: 20) { edges { node { name forecast(hours: 6) { at expected } } } } }`,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data!.venues.edges.length, 2);
    assert.deepEqual(model.calls.slice(calls), [{ venues: 2, outcome: 'ok' }]);
  });

  it('keeps the model inputs out of the client API', async () => {
    const result = await graph.graphql(
      `query($id: ID!) { venue(id: $id) { forecastInputs { currentHour } } }`,
      {
        id: venues.small,
      },
    );
    assert.equal(result.data, undefined);
    assert.equal(result.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });
});
