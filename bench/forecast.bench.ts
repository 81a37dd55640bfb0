// `npm run bench -- forecast [--requests 200] [--venues 50] [--hours 24] [--artifact-dir <dir>]`
//
// Latency (p50/p99) of a forecast for 50 venues × 24 h through the router — a client's
// `venues(first: 50) { … forecast(hours: 24) }` — against its parts in the same run: the model
// server's Forecast alone (direct gRPC with the same inputs), and the prediction subgraph alone
// (`_entities` with the representations the router sends). Each with a cold forecast cache (every
// request reaches the model server) and a warm one. The warm router path is also set against the
// venue subgraph's part alone (the list with every field `forecast` @requires, as the router asks
// for it) and the same list through the router without forecasts, and reports what each request
// cost each process in CPU milliseconds (whatever share of the busy machine it got). The venues are real rows: opening hours and
// two weeks of hourly headcounts in MariaDB, which the router fetches from the venue subgraph for
// @requires. The model server serves `--artifact-dir`, or a model of the production architecture
// trained for one epoch on packages/forecast's fixture (inference cost does not depend on how well
// it was trained). Everything runs as its own process on this machine; prints one JSON object.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { readOccupancyCsv, saveArtifact, trainForecaster } from '@sport-venue/forecast';
import { redisKeys } from '@sport-venue/shared';
import { createTestDatabase, createTestRedis, eventually } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { PredictorClient } from '../subgraphs/prediction/src/predictor-client.ts';
import { toVenueInput, type VenueRef } from '../subgraphs/prediction/src/venue-inputs.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import {
  option,
  quantile,
  round,
  startProcess,
  startVenuePredictionRouter,
  stopAll,
} from './support/harness.ts';
import { nextId } from '@sport-venue/shared';
import { cpuSeconds } from './support/infra-cpu.ts';

const root = new URL('../', import.meta.url).pathname;
const REQUESTS = option('requests', 200);
const VENUES = option('venues', 50);
const HOURS = option('hours', 24);
const WARMUP = Math.min(20, Math.floor(REQUESTS / 10));
const HOUR_MS = 3_600_000;
const TZ = 'Asia/Shanghai';

async function measure(fn: () => Promise<void>, before?: () => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) {
    await before?.();
    await fn();
  }
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    await before?.();
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return {
    requests: samples.length,
    p50Ms: round(quantile(samples, 0.5)),
    p99Ms: round(quantile(samples, 0.99)),
    maxMs: round(samples.at(-1)!),
  };
}

/** `measure` plus what each request cost each named process in CPU milliseconds. */
async function withCpu(processes: Record<string, ChildProcess>, run: () => ReturnType<typeof measure>) {
  const before = Object.fromEntries(Object.entries(processes).map(([n, p]) => [n, cpuSeconds(p.pid)]));
  const result = await run();
  const cpuMsPerRequest = Object.fromEntries(
    Object.entries(processes).map(([n, p]) => [
      n,
      round(((cpuSeconds(p.pid) - before[n]!) * 1000) / (result.requests + WARMUP), 2),
    ]),
  );
  return { ...result, cpuMsPerRequest };
}

/** Bytes of the last response body `post` read, by URL. */
const responseBytes = new Map<string, number>();

async function post(url: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  responseBytes.set(url, Buffer.byteLength(text));
  const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

const tmp = await mkdtemp(join(tmpdir(), 'sv-forecast-bench-'));
let artifactDir = process.argv.includes('--artifact-dir')
  ? process.argv[process.argv.indexOf('--artifact-dir') + 1]!
  : '';
if (!artifactDir) {
  artifactDir = tmp;
  const { rows } = await readOccupancyCsv(
    `${root}packages/forecast/test/fixtures/fitnesspark-3venues-6weeks.csv`,
  );
  const forecaster = await trainForecaster(rows, { timeZone: 'Europe/Zurich', epochs: 1, version: 'bench' });
  await saveArtifact(forecaster, artifactDir);
  forecaster.network.dispose();
}

const [database, redisDb] = await Promise.all([createTestDatabase('venue'), createTestRedis()]);
const db = createVenueDb(database.url);
const redis = new Redis(redisDb.url);
const children: ChildProcess[] = [];
let client: PredictorClient | undefined;

try {
  await db.city.create({ data: { code: '310000', name: '上海', timeZone: TZ } });
  const current = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const localHour = (at: number) =>
    Number(new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(at));
  const venueIds: string[] = [];
  for (let i = 0; i < VENUES; i++) {
    const venue = await db.venue.create({
      data: {
        id: nextId(),
        cityCode: '310000',
        slug: `forecast-bench-${i}`,
        name: `场馆 ${i}`,
        address: '静安区',
        lat: 31.23 + i / 1000,
        lng: 121.44,
        sports: ['gym'],
        capacity: 100 + i,
        timeZone: TZ,
        openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[420, 1320]]])),
      },
    });
    venueIds.push(venue.id.toString());
    const samples = [];
    for (let h = 14 * 24; h >= 1; h--) {
      const at = current - h * HOUR_MS;
      const hour = localHour(at);
      if (hour >= 7 && hour < 22)
        samples.push({
          venueId: venue.id,
          at: new Date(at),
          count: 10 + ((hour * 7 + i) % 30),
          source: 'SEEDED',
        });
    }
    await db.occupancySample.createMany({ data: samples });
  }

  const modelPort = await freePort();
  const modelServer = startProcess('model-server', 'subgraphs/prediction/src/model-server/index.ts', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MODEL_SERVER_PORT: String(modelPort),
    MODEL_SERVER_METRICS_PORT: '0',
    MODEL_ARTIFACT_DIR: artifactDir,
  });
  children.push(modelServer);
  const { venuePort, predictionPort, routerPort } = await startVenuePredictionRouter(children, {
    databaseUrl: database.url,
    redisUrl: redisDb.url,
    secret: 'x'.repeat(32),
    jwksUrl: 'http://127.0.0.1:9/jwks.json',
    predictionEnv: {
      PREDICTOR_URL: `127.0.0.1:${modelPort}`,
      PREDICTOR_DEADLINE_MS: '10000',
      FORECAST_FETCH_HOURS: String(HOURS),
    },
  });
  // Pushed in start order: venue, prediction, router.
  const [venueProcess, predictionProcess, routerProcess] = children.slice(1);
  const processes = {
    router: routerProcess!,
    venue: venueProcess!,
    prediction: predictionProcess!,
    modelServer,
  };
  client = new PredictorClient(`127.0.0.1:${modelPort}`, 10_000);
  await eventually(async () => (await client!.health().catch(() => 'DOWN')) === 'SERVING', {
    timeoutMs: 60_000,
  });

  // What the router fetches from the venue subgraph for @requires, once, to drive the parts directly.
  const entities = (
    await post(
      `http://127.0.0.1:${venuePort}/graphql`,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Venue { __typename id timeZone capacity sports location { lat lng }
      forecastInputs { currentHour hourlyOccupancy hourlyBookings openingSpans } } } }`,
      { r: venueIds.map((id) => ({ __typename: 'Venue', id })) },
    )
  )._entities as Array<VenueRef & { __typename: string }>;
  const coldCache = () => redis.del(...venueIds.map((id) => redisKeys.venuePredicted(id)));

  const venueInputs = entities.map(toVenueInput);
  const grpcDirect = await measure(async () => {
    const res = await client!.forecast({ venues: venueInputs, horizonHours: HOURS });
    if (res.forecasts.length !== VENUES) throw new Error('short response');
  });

  const subgraphQuery = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Venue { forecast(hours: ${HOURS}) { at expected } } } }`;
  const viaSubgraph = async () => {
    const data = await post(`http://127.0.0.1:${predictionPort}/graphql`, subgraphQuery, { r: entities });
    if ((data._entities as unknown[]).length !== VENUES) throw new Error('short response');
  };
  const routerQuery = `{ venues(cityCode: "310000", first: ${VENUES}) { edges { node { id name forecast(hours: ${HOURS}) { at expected level } } } } }`;
  const viaRouter = async () => {
    const data = await post(`http://127.0.0.1:${routerPort}/graphql`, routerQuery);
    const edges = (data.venues as { edges: Array<{ node: { forecast: unknown[] | null } }> }).edges;
    if (edges.length !== VENUES || edges.some((e) => e.node.forecast?.length !== HOURS))
      throw new Error('short response');
  };
  // The venue subgraph's part of the router's plan: the page with every field `forecast` @requires.
  const venueQuery = `{ venues(cityCode: "310000", first: ${VENUES}) { edges { node { __typename id name timeZone capacity sports
    location { lat lng } forecastInputs { currentHour hourlyOccupancy hourlyBookings openingSpans } } } } }`;
  const venueSubgraphForRequires = async () => {
    const data = await post(`http://127.0.0.1:${venuePort}/graphql`, venueQuery);
    if ((data.venues as { edges: unknown[] }).edges.length !== VENUES) throw new Error('short response');
  };
  const listQuery = `{ venues(cityCode: "310000", first: ${VENUES}) { edges { node { id name } } } }`;
  const routerWithoutForecast = async () => {
    const data = await post(`http://127.0.0.1:${routerPort}/graphql`, listQuery);
    if ((data.venues as { edges: unknown[] }).edges.length !== VENUES) throw new Error('short response');
  };
  await venueSubgraphForRequires();
  const venueFetchBytes = responseBytes.get(`http://127.0.0.1:${venuePort}/graphql`);
  await viaRouter();
  const routerResponseBytes = responseBytes.get(`http://127.0.0.1:${routerPort}/graphql`);
  const subgraphColdCache = await measure(viaSubgraph, coldCache);
  const subgraphWarmCache = await withCpu(processes, () => measure(viaSubgraph));
  const routerColdCache = await measure(viaRouter, coldCache);
  const routerWarmCache = await withCpu(processes, () => measure(viaRouter));
  const venueSubgraphWarm = await withCpu(processes, () => measure(venueSubgraphForRequires));
  const routerListWithoutForecast = await withCpu(processes, () => measure(routerWithoutForecast));

  console.log(
    JSON.stringify(
      {
        bench: 'forecast',
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
        venues: VENUES,
        hours: HOURS,
        artifactDir,
        note: 'one client, sequential requests; model server, subgraphs, router and stores share this machine; cpuMsPerRequest: CPU each request cost each process (warm-up included)',
        grpcDirect,
        subgraphColdCache,
        subgraphWarmCache,
        routerColdCache,
        routerWarmCache,
        venueSubgraphWarm,
        routerListWithoutForecast,
        bytes: {
          venueFetch: venueFetchBytes,
          representations: Buffer.byteLength(JSON.stringify(entities)),
          routerResponse: routerResponseBytes,
        },
        routerOverWarmSubgraph: { p50Ms: round(routerWarmCache.p50Ms - subgraphWarmCache.p50Ms) },
        routerOverWarmParts: {
          p50Ms: round(routerWarmCache.p50Ms - subgraphWarmCache.p50Ms - venueSubgraphWarm.p50Ms),
        },
      },
      null,
      1,
    ),
  );
} finally {
  client?.close();
  await stopAll(children);
  redis.disconnect();
  await db.$disconnect();
  await database.drop();
  await rm(tmp, { recursive: true, force: true });
}
