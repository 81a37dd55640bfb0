// `npm run bench -- router [--requests 3000] [--concurrency 32] [--merge off]`
//
// A representative cross-subgraph query through the router, and the same data fetched directly
// from the subgraphs the way the router's query plan does (venue list, then one _entities batch
// to the prediction subgraph), in one run. Reports requests/s and p50/p99 for both, the router's
// overhead ratio and the CPU milliseconds per request of each process (the load generator, an
// undici Pool per target, included). `--merge off` runs the router with SUBGRAPH_FETCH_DEDUP off:
// every request then costs the subgraphs what the direct path does (with merging on, concurrent
// identical requests share fetches and the router can beat the direct path). Load generator,
// router, subgraphs and stores share the machine.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { createTestDatabase, createTestRedis } from '@sport-venue/shared/testing';
import { writeForecast } from '../subgraphs/prediction/src/forecast-cache.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import {
  load,
  option,
  round,
  startVenuePredictionRouter,
  stopAll,
  type Measured,
} from './support/harness.ts';
import { poster, selfCpuSeconds, type Poster } from './support/load.ts';
import { startTokenIssuer } from '../test/support/token-issuer.ts';
import { nextId } from '@sport-venue/shared';
import { cpuSeconds } from './support/infra-cpu.ts';

const REQUESTS = option('requests', 3_000);
const CONCURRENCY = option('concurrency', 32);
const WARMUP = Math.min(300, Math.floor(REQUESTS / 10));
const MERGE = process.argv[process.argv.indexOf('--merge') + 1] === 'off' ? 'off' : 'on';

const QUERY = `query Venues { venues(cityCode: "310000", first: 10) { edges { node { id name city { name } currentCount predictedNow } } } }`;

const [database, redisDb] = await Promise.all([createTestDatabase('venue'), createTestRedis()]);
const issuer = await startTokenIssuer();
const secret = randomBytes(32).toString('hex');
const db = createVenueDb(database.url);
const redis = new Redis(redisDb.url);
const children: ChildProcess[] = [];

try {
  await db.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
  const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
  for (let i = 0; i < 10; i++) {
    const venue = await db.venue.create({
      data: {
        id: nextId(),
        cityCode: '310000',
        slug: `bench-${i}`,
        name: `场馆 ${i}`,
        address: '静安区',
        lat: 31.23 + i / 1000,
        lng: 121.44,
        sports: ['gym'],
        capacity: 200,
        timeZone: 'Asia/Shanghai',
        openingHours: {},
      },
    });
    // Cached forecasts: the prediction subgraph answers from Redis without the model server.
    await writeForecast(
      redis,
      venue.id.toString(),
      { generatedAt: hour, points: [{ at: hour, expected: 40 + i, low: 30, high: 50, level: 'BUSY' }] },
      3_600,
    );
  }

  const { venuePort, predictionPort, routerPort, pids } = await startVenuePredictionRouter(children, {
    databaseUrl: database.url,
    redisUrl: redisDb.url,
    secret,
    jwksUrl: issuer.jwksUrl,
    routerEnv: { SUBGRAPH_FETCH_DEDUP: MERGE === 'on' ? 'true' : 'false' },
  });

  const clients = new Map<string, Poster>();
  const post = async (url: string, query: string, variables: Record<string, unknown> = {}) => {
    let client = clients.get(url);
    if (!client) clients.set(url, (client = poster(url, CONCURRENCY)));
    const { json } = await client.post(
      { 'content-type': 'application/json' },
      JSON.stringify({ query, variables }),
    );
    return (json ?? {}) as { data?: Record<string, unknown>; errors?: unknown };
  };
  /** Runs `measure`; CPU milliseconds per request of each process and of this one (the generator). */
  const withCpu = async (measure: () => Promise<Measured>) => {
    const before = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
    const self = selfCpuSeconds();
    const result = await measure();
    const used: Record<string, number> = Object.fromEntries(
      Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid) - before[n]!]),
    );
    used.loadGenerator = selfCpuSeconds() - self;
    const cpuMsPerRequest = Object.fromEntries(
      Object.entries(used).map(([n, sec]) => [n, round((sec * 1000) / result.requests, 2)]),
    );
    return { ...result, cpuMsPerRequest };
  };

  const viaRouter = async () => {
    const body = await post(`http://127.0.0.1:${routerPort}/graphql`, QUERY);
    return !body.errors && (body.data?.venues as { edges: unknown[] }).edges.length === 10;
  };
  // The router's plan for QUERY: fetch the venue page with the fields predictedNow @requires,
  // then one _entities batch to prediction with them.
  const direct = async () => {
    const page = await post(
      `http://127.0.0.1:${venuePort}/graphql`,
      `{ venues(cityCode: "310000", first: 10) { edges { node { __typename id name city { name } currentCount
        timeZone capacity location { lat lng }
        forecastInputs { currentHour hourlyOccupancy hourlyBookings openingSpans } } } } }`,
    );
    const nodes = (page.data?.venues as { edges: Array<{ node: Record<string, unknown> }> }).edges.map(
      (e) => e.node,
    );
    const entities = await post(
      `http://127.0.0.1:${predictionPort}/graphql`,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Venue { predictedNow } } }`,
      {
        r: nodes.map(({ __typename, id, timeZone, capacity, location, forecastInputs }) => ({
          __typename,
          id,
          timeZone,
          capacity,
          location,
          forecastInputs,
        })),
      },
    );
    return !page.errors && !entities.errors && (entities.data?._entities as unknown[]).length === 10;
  };

  await load(WARMUP, CONCURRENCY, direct);
  const directResult = await withCpu(() => load(REQUESTS, CONCURRENCY, direct));
  await load(WARMUP, CONCURRENCY, viaRouter);
  const routerResult = await withCpu(() => load(REQUESTS, CONCURRENCY, viaRouter));
  await Promise.all([...clients.values()].map((c) => c.close()));
  console.log(
    JSON.stringify(
      {
        bench: 'router',
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
        query: QUERY,
        subgraphFetchMerging: MERGE,
        note:
          'load generator (undici Pool in this process), router, subgraphs and stores share this machine (2 cores); ' +
          'cpuMsPerRequest: what one request cost each process',
        direct: directResult,
        router: routerResult,
        overhead: {
          p50: round(routerResult.p50Ms / directResult.p50Ms),
          p99: round(routerResult.p99Ms / directResult.p99Ms),
          throughput: round(directResult.perSecond / routerResult.perSecond),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await stopAll(children);
  redis.disconnect();
  await db.$disconnect();
  await issuer.stop();
  await database.drop();
}
