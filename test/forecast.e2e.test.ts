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
  /** Two new Shanghai venues the model never saw: one without any history, one with two weeks of
   * generated check-ins (busy 07:00–10:00, quiet otherwise: unlike the gyms' evenings). */
  const fresh: Record<'none' | 'mornings', string> = { none: '', mornings: '' };

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
    for (const key of ['none', 'mornings'] as const) {
      const venue = await db.venue.create({
        data: {
          id: nextId(),
          cityCode: '310000',
          slug: `hall-${key}`,
          name: `羽毛球馆 ${key}`,
          address: '上海市徐汇区漕溪北路 1111 号',
          lat: 31.18,
          lng: 121.43,
          sports: ['badminton'],
          capacity: 300,
          timeZone: TZ,
          openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[420, 1320]]])),
        },
      });
      fresh[key] = venue.id.toString();
    }
    const checkIns = [];
    for (let h = 14 * 24; h >= 1; h--) {
      const at = current - h * HOUR_MS;
      if (!isOpen(at)) continue;
      const hour = localHour(at);
      checkIns.push({
        venueId: BigInt(fresh.mornings),
        at: new Date(at),
        count: hour < 10 ? 30 : 3,
        source: 'SAMPLED',
      });
    }
    await db.occupancySample.createMany({ data: checkIns });
  });

  after(async () => {
    await graph?.stop();
    await model?.stop();
    await artifacts?.remove();
  });

  it('forecasts follow the venue’s opening hours in its own time zone, and its history sets the scale', async () => {
    const asked = Date.now();
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
    // Null only once today's last open hour (21:00) has passed in Shanghai, at the moment the
    // subgraph answered: some instant between asking and now (at 23:59:59 the answer is null and
    // the clock may read 00:00 of the next day by the time it is checked).
    if (small.bestTimeToVisit) assert.ok(isOpen(small.bestTimeToVisit.at));
    else
      assert.ok(
        [localHour(asked), localHour(Date.now())].some((h) => h >= 22),
        'no open hour left today',
      );
    const sum = (points: Point[]) => points.reduce((s, p) => s + p.expected, 0);
    const ratio = sum(large.forecast) / sum(small.forecast);
    assert.ok(ratio > 2.5 && ratio < 6, `4× the history forecasts ${ratio.toFixed(2)}× the people`);
  });

  it('a new Shanghai venue starts from the known venues’ shape in Shanghai time, and its own check-ins take over', async () => {
    const result = await graph.graphql<{ none: { forecast: Point[] }; mornings: { forecast: Point[] } }>(
      `query($none: ID!, $mornings: ID!) {
        none: venue(id: $none) { forecast(hours: 24) { at expected open basis } }
        mornings: venue(id: $mornings) { forecast(hours: 24) { at expected open basis } }
      }`,
      fresh,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const { none, mornings } = result.data!;
    const busiest = (points: Point[]) => points.reduce((a, b) => (b.expected > a.expected ? b : a));
    for (const p of [...none.forecast, ...mornings.forecast]) {
      assert.equal(p.basis, 'MODEL');
      assert.equal(p.open, isOpen(p.at), `${p.at} = ${localHour(p.at)}:00 in Shanghai`);
      if (p.open) assert.ok(p.expected > 0, `open at ${localHour(p.at)}:00, yet ${p.expected}`);
      else assert.equal(p.expected, 0);
    }
    // Two weeks of its own check-ins: its mornings, not the gyms' shape the other one still has.
    const own = localHour(busiest(mornings.forecast).at);
    assert.ok(own >= 7 && own < 10, `busiest hour with its own check-ins: ${own}:00`);
    const morningShare = (points: Point[]) =>
      points.filter((p) => localHour(p.at) >= 7 && localHour(p.at) < 10).reduce((a, p) => a + p.expected, 0) /
      points.reduce((a, p) => a + p.expected, 0);
    assert.ok(
      morningShare(mornings.forecast) > 2 * morningShare(none.forecast),
      `share of 07–10 h: ${morningShare(mornings.forecast).toFixed(2)} with check-ins, ${morningShare(none.forecast).toFixed(2)} without`,
    );
  });

  it('answers a page of venues with one call to the model', async () => {
    await graph.prediction.redis.flushdb();
    const calls = model.calls.length;
    const result = await graph.graphql<{ venues: { edges: Array<{ node: { forecast: Point[] } }> } }>(
      `{ venues(first: 20) { edges { node { name forecast(hours: 6) { at expected } } } } }`,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data!.venues.edges.length, 4);
    assert.deepEqual(model.calls.slice(calls), [{ venues: 4, outcome: 'ok' }]);
  });

  it('forecasts the same from the venue subgraph’s cached inputs as from inputs just read', async () => {
    const query = `query($id: ID!) { venue(id: $id) { forecast(hours: 24) { at expected low high level open basis } } }`;
    const forecastFromTheModel = async () => {
      await graph.prediction.redis.flushdb(); // no cached forecast: the model gets the inputs again
      const result = await graph.graphql<{ venue: { forecast: Point[] } }>(query, { id: fresh.mornings });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      return result.data!.venue.forecast;
    };
    // The first request of this test reads the inputs (or they were read by an earlier test); the
    // second is served from the venue subgraph's cache. Both reach the model.
    for (let attempt = 0; ; attempt++) {
      const calls = model.calls.length;
      const first = await forecastFromTheModel();
      const second = await forecastFromTheModel();
      assert.equal(model.calls.length - calls, 2, 'both forecasts were made by the model');
      // The hour turning between the two changes the inputs on purpose: then compare again.
      if (first[0]!.at !== second[0]!.at && attempt === 0) continue;
      assert.deepEqual(second, first);
      break;
    }
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
