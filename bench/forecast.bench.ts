// `npm run bench -- forecast [--requests 200] [--turns 50] [--venues 50] [--hours 24] [--artifact-dir <dir>] [--no-trace]`
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
//
// The target is the p99 of the warm requests through the router; with 200 sequential requests
// that is the second slowest, so a few slow requests decide it. Unless `--no-trace`, each server
// process records the requests it served and its garbage collections (support/request-trace.ts),
// and `routerWarmCache.slowest` breaks the slowest warm router requests down: each process's part
// (wall time, its CPU, the time its main thread waited for a core and the rest, waiting on I/O),
// the model server's calls, and the collections that ran meanwhile.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
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
import {
  machineBusyUs,
  monotonicUs,
  observeGc,
  runQueueUs,
  type GcEvent,
  type ProcessTrace,
} from './support/request-trace.ts';

const root = new URL('../', import.meta.url).pathname;
const REQUESTS = option('requests', 200);
const VENUES = option('venues', 50);
const HOURS = option('hours', 24);
const WARMUP = Math.min(20, Math.floor(REQUESTS / 10));
/** Requests that each meet the cache as the hour turning leaves it. */
const TURNS = option('turns', 50);
const HOUR_MS = 3_600_000;
const TZ = 'Asia/Shanghai';
const TRACE = !process.argv.includes('--no-trace');
const SLOWEST = 5;

/**
 * A measured request: start and end (µs, monotonic clock), how long the client waited for a core,
 * and the CPU time the whole machine (every core, every process) was busy meanwhile.
 */
type RequestWindow = [start: number, end: number, clientRunQueueUs: number, machineBusyUs: number];
/** This process's collections: the client's own pauses are part of what it measures. */
const clientGcs: GcEvent[] = [];
if (TRACE) observeGc(clientGcs);

/**
 * The client is the instrument: it empties its young generation between measured requests (`npm
 * run bench` runs node with --expose-gc), so what one response's parse leaves does not survive into
 * the old generation. Without it the client ran 6–7 major collections per 220 warm requests (up to
 * 23 ms), inside the slowest requests, counted as the graph's latency. A full collection instead
 * would also flush the client's compiled code and slow every request's own client work.
 */
const exposedGc = (globalThis as { gc?: (options: { type: 'minor' | 'major' }) => void }).gc;
const gc = exposedGc && (() => exposedGc({ type: 'minor' }));

async function measure(fn: () => Promise<void>, before?: () => Promise<unknown>, requests = REQUESTS) {
  for (let i = 0; i < WARMUP; i++) {
    await before?.();
    await fn();
  }
  const samples: number[] = [];
  const windows: RequestWindow[] = [];
  for (let i = 0; i < requests; i++) {
    await before?.();
    gc?.();
    const m0 = machineBusyUs();
    const q0 = runQueueUs();
    const t0 = monotonicUs();
    await fn();
    const t1 = monotonicUs();
    samples.push((t1 - t0) / 1000);
    windows.push([t0, t1, runQueueUs() - q0, machineBusyUs() - m0]);
  }
  samples.sort((a, b) => a - b);
  const result = {
    requests: samples.length,
    p50Ms: round(quantile(samples, 0.5)),
    p90Ms: round(quantile(samples, 0.9)),
    p99Ms: round(quantile(samples, 0.99)),
    maxMs: round(samples.at(-1)!),
    /** The slowest requests, slowest first: with 200 requests the second one is the p99. */
    slowestMs: samples
      .slice(-SLOWEST)
      .reverse()
      .map((ms) => round(ms)),
  };
  // Kept beside the figures, not in them: explain() reads it after the processes stopped.
  Object.defineProperty(result, 'windows', { value: windows, enumerable: false });
  return result;
}

/** The windows `measure` recorded for a result. */
const windowsOf = (result: object) => (result as { windows: RequestWindow[] }).windows;

const ms = (us: number) => round(us / 1000, 1);

/**
 * Where the slowest requests of `windows` spent their time, from the processes' traces: for each
 * process, the requests it served inside the window (wall, CPU, waiting for a core), the model
 * server's calls, and the collections that overlapped the window; plus every collection of the
 * whole measure per process.
 */
function explain(windows: RequestWindow[], traces: Record<string, ProcessTrace | undefined>) {
  const from = windows[0]![0];
  const to = windows.at(-1)![1];
  const overlap = (start: number, end: number, a: number, b: number) =>
    Math.max(0, Math.min(end, b) - Math.max(start, a));
  const slowest = [...windows]
    .map((w, index) => ({ w, index }))
    .sort((a, b) => b.w[1] - b.w[0] - (a.w[1] - a.w[0]))
    .slice(0, SLOWEST)
    .map(({ w: [start, end, clientRunQueue, machineBusy], index }) => {
      const parts: Record<string, unknown> = {};
      for (const [name, trace] of Object.entries(traces)) {
        if (!trace) continue;
        const served = trace.served.filter(([s]) => s >= start && s < end);
        const gcs = trace.gcs.filter(([s, d]) => overlap(s, s + d, start, end) > 0);
        const gcUs = gcs.reduce((sum, [s, d]) => sum + overlap(s, s + d, start, end), 0);
        if (served.length === 0 && gcs.length === 0) continue;
        parts[name] = {
          ...(served.length > 0
            ? {
                served: served.length,
                wallMs: ms(served.reduce((sum, [s, e]) => sum + e - s, 0)),
                cpuMs: ms(served.reduce((sum, w) => sum + w[2], 0)),
                waitingForCoreMs: ms(served.reduce((sum, w) => sum + w[3], 0)),
                // Neither running nor waiting for a core: waiting on I/O (a store, another process).
                waitingOnIoMs: ms(
                  Math.max(
                    0,
                    served.reduce((sum, [s, e, cpu, queue]) => sum + e - s - cpu - queue, 0),
                  ),
                ),
                startsAtMs: served.map(([s]) => ms(s - start)),
              }
            : {}),
          ...(gcs.length > 0 ? { gcMs: ms(gcUs), gcs: gcs.map(([, d, kind]) => `${kind} ${ms(d)}`) } : {}),
        };
      }
      return {
        request: index,
        ms: ms(end - start),
        // Of the machine's cores × ms (10 ms steps): how busy it was, this stack and everything else.
        machineBusyMs: ms(machineBusy),
        clientWaitingForCoreMs: ms(clientRunQueue),
        ...parts,
      };
    });
  const collections = Object.fromEntries(
    Object.entries(traces).map(([name, trace]) => {
      const byKind: Record<string, { count: number; ms: number; maxMs: number }> = {};
      for (const [s, d, kind] of trace?.gcs ?? []) {
        if (s < from || s > to) continue;
        const k = (byKind[kind] ??= { count: 0, ms: 0, maxMs: 0 });
        k.count += 1;
        k.ms = round(k.ms + d / 1000, 1);
        k.maxMs = Math.max(k.maxMs, ms(d));
      }
      return [name, byKind];
    }),
  );
  return { slowest, collections };
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
  return Object.defineProperty({ ...result, cpuMsPerRequest }, 'windows', {
    value: windowsOf(result),
    enumerable: false,
  });
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
const traceDir = join(tmp, 'trace');
if (TRACE) {
  await mkdir(traceDir);
  process.env.BENCH_TRACE_DIR = traceDir;
  process.env.BENCH_NODE_ARGS = `${process.env.BENCH_NODE_ARGS ?? ''} --import ${root}bench/support/request-trace.ts`;
}
let artifactDir = process.argv.includes('--artifact-dir')
  ? process.argv[process.argv.indexOf('--artifact-dir') + 1]!
  : '';
if (!artifactDir) {
  artifactDir = tmp;
  // Trained in a child process: the heap training leaves behind would otherwise make this client,
  // the load generator, pause for major collections inside the measured requests.
  execFileSync(
    process.execPath,
    [
      `${root}packages/forecast/src/cli/train.ts`,
      '--data',
      `${root}packages/forecast/test/fixtures/fitnesspark-3venues-6weeks.csv`,
      '--timezone',
      'Europe/Zurich',
      '--out',
      artifactDir,
      '--version',
      'bench',
      '--epochs',
      '1',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

const [database, redisDb] = await Promise.all([createTestDatabase('venue'), createTestRedis()]);
const db = createVenueDb(database.url);
const redis = new Redis(redisDb.url);
const children: ChildProcess[] = [];
let client: PredictorClient | undefined;
let report: Record<string, unknown> | undefined;
let processPids: Record<string, number | undefined> = {};
let routerWarmWindows: RequestWindow[] = [];

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
  // The first request after the hour turns meets the forecasts as they were made in the hour before.
  // Each request here meets the warm cache moved back by an hour (what the subgraph stored, every
  // hour an hour earlier), once whatever the previous request set off has replaced it.
  const keys = venueIds.map((id) => redisKeys.venuePredicted(id));
  const earlier = (iso: string, ms = HOUR_MS) => new Date(Date.parse(iso) - ms).toISOString();
  const warm = (await redis.mget(...keys)).map((text) => {
    const f = JSON.parse(text!) as { generatedAt: string; points: Array<{ at: string }> };
    return { ...f, points: f.points.map((p) => ({ ...p, at: earlier(p.at) })) };
  });
  const generatedAt = (text: string | null) =>
    text && (JSON.parse(text) as { generatedAt: string }).generatedAt;
  let turns = 0;
  let written = new Set<string>();
  const turnHour = async () => {
    if (written.size > 0)
      await eventually(
        async () => (await redis.mget(...keys)).every((text) => !written.has(generatedAt(text)!)),
        {
          timeoutMs: 10_000,
          intervalMs: 5,
        },
      );
    // Each turn a forecast of its own (made a millisecond earlier than the last turn's).
    turns += 1;
    const texts = warm.map((f) =>
      JSON.stringify({ ...f, generatedAt: earlier(f.generatedAt, HOUR_MS + turns) }),
    );
    written = new Set(texts.map((text) => generatedAt(text)!));
    const write = redis.multi();
    keys.forEach((key, i) => write.set(key, texts[i]!, 'EX', 900));
    await write.exec();
  };
  const routerAfterHourTurn = await withCpu(processes, () => measure(viaRouter, turnHour, TURNS));
  const venueSubgraphWarm = await withCpu(processes, () => measure(venueSubgraphForRequires));
  const routerListWithoutForecast = await withCpu(processes, () => measure(routerWithoutForecast));

  processPids = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.pid]));
  routerWarmWindows = windowsOf(routerWarmCache);
  report = {
    bench: 'forecast',
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    venues: VENUES,
    hours: HOURS,
    artifactDir,
    note: `one client, sequential requests; model server, subgraphs, router and stores share this machine; cpuMsPerRequest: CPU each request cost each process (warm-up included); the client empties its young generation between requests: ${gc ? 'yes' : 'no (run node with --expose-gc)'}`,
    grpcDirect,
    subgraphColdCache,
    subgraphWarmCache,
    routerColdCache,
    routerWarmCache,
    routerAfterHourTurn,
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
  };
} finally {
  client?.close();
  await stopAll(children);
  redis.disconnect();
  await db.$disconnect();
  await database.drop();
  if (report && TRACE) {
    // The processes wrote their traces as they exited.
    const traces = Object.fromEntries(
      await Promise.all(
        Object.entries(processPids).map(async ([name, pid]) => [
          name,
          await readFile(join(traceDir, `${pid}.json`), 'utf8').then(
            (text) => JSON.parse(text) as ProcessTrace,
            () => undefined,
          ),
        ]),
      ),
    ) as Record<string, ProcessTrace | undefined>;
    traces.client = { served: [], gcs: clientGcs };
    const { slowest, collections } = explain(routerWarmWindows, traces);
    (report.routerWarmCache as Record<string, unknown>).slowest = slowest;
    report.collectionsDuringRouterWarmCache = collections;
  }
  await rm(tmp, { recursive: true, force: true });
}
if (report) console.log(JSON.stringify(report, null, 1));
