// `npm run bench -- forecast [--requests 200] [--venues 50] [--hours 24] [--artifact-dir <dir>]`
//
// Latency (p50/p99) of one Forecast for 50 venues × 24 h: direct gRPC against the model server
// running as its own process, then through the prediction subgraph (`_entities`, one request for
// all venues) with a cold Redis cache (every request reaches the predictor) and a warm one. The
// model server serves `--artifact-dir`, or a model of the production architecture (128-64 hidden)
// trained for one epoch on packages/forecast's fixture: inference cost does not depend on how
// well it was trained. Load generator and servers share this machine; prints one JSON object.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { readOccupancyCsv, saveArtifact, trainForecaster } from '@sport-venue/forecast';
import { createTestRedis, eventually } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { startPredictionSubgraph } from '../subgraphs/prediction/src/index.ts';
import { PredictorClient } from '../subgraphs/prediction/src/predictor-client.ts';

const root = new URL('../', import.meta.url).pathname;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const REQUESTS = Number(option('requests', '200'));
const VENUES = Number(option('venues', '50'));
const HOURS = Number(option('hours', '24'));
const WARMUP = Math.min(20, Math.floor(REQUESTS / 10));

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
  return { requests: s.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

async function measure(fn: () => Promise<void>) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summary(samples);
}

const tmp = await mkdtemp(join(tmpdir(), 'sv-forecast-bench-'));
let artifactDir = option('artifact-dir', '');
if (!artifactDir) {
  artifactDir = tmp;
  const { rows } = await readOccupancyCsv(
    `${root}packages/forecast/test/fixtures/fitnesspark-3venues-6weeks.csv`,
  );
  const forecaster = await trainForecaster(rows, { timeZone: 'Europe/Zurich', epochs: 1, version: 'bench' });
  await saveArtifact(forecaster, artifactDir);
}

const port = await freePort();
const server = spawn(process.execPath, [`${root}subgraphs/prediction/src/model-server/index.ts`], {
  env: {
    ...process.env,
    LOG_LEVEL: 'warn',
    MODEL_SERVER_PORT: String(port),
    MODEL_ARTIFACT_DIR: artifactDir,
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const client = new PredictorClient(`127.0.0.1:${port}`, 10_000);
const store = await createTestRedis();
const redis = new Redis(store.url);
const subgraph = await startPredictionSubgraph({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  BIND_HOST: '127.0.0.1',
  PREDICTION_PORT: 0,
  REDIS_URL: store.url,
  PREDICTOR_URL: `127.0.0.1:${port}`,
  PREDICTOR_DEADLINE_MS: 10_000,
  FORECAST_FETCH_HOURS: HOURS,
});
try {
  await eventually(async () => (await client.health().catch(() => 'DOWN')) === 'SERVING', {
    timeoutMs: 30_000,
  });
  const venues = Array.from({ length: VENUES }, (_, i) => ({ venueId: String(1000 + i) }));
  const grpcDirect = await measure(async () => {
    const res = await client.forecast({ venues, horizonHours: HOURS });
    if (res.forecasts.length !== VENUES) throw new Error('short response');
  });

  const reps = venues.map((v) => ({ __typename: 'Venue', id: v.venueId }));
  const body = JSON.stringify({
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { forecast(hours: ${HOURS}) { at expected } } } }`,
    variables: { reps },
  });
  const viaSubgraph = async () => {
    const res = await fetch(`${subgraph.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const json = (await res.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  };
  const subgraphCold = await measure(async () => {
    await redis.flushdb();
    await viaSubgraph();
  });
  const subgraphWarm = await measure(viaSubgraph);
  console.log(
    JSON.stringify(
      {
        venues: VENUES,
        hours: HOURS,
        artifactDir,
        grpcDirect,
        subgraphColdCache: subgraphCold,
        subgraphWarmCache: subgraphWarm,
      },
      null,
      1,
    ),
  );
} finally {
  client.close();
  await subgraph.stop();
  redis.disconnect();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(tmp, { recursive: true, force: true });
}
