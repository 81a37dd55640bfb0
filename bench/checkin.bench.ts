// `npm run bench -- checkin [--requests 3000] [--concurrency 32] [--no-router]`
//
// Check-in mutations per second and latency (p50/p99), measured from this process against the
// venue subgraph running as its own process (real MariaDB, Redis, Kafka relay), then through the
// router in front of it, next to `redis-benchmark` INCR on the same Redis as the ceiling. Every
// request is a first check-in of a fresh user: one Lua step, one MariaDB transaction (session +
// outbox), one PUBLISH. Load generator and servers share this machine; prints one JSON object.
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { IDENTITY_HEADER, signIdentity } from '@sport-venue/shared';
import { createTestDatabase, createTestRedis, uniqueId } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { createVenueDb } from '../subgraphs/venue/src/venue-store.ts';
import {
  BENCH_VENUE,
  createBenchVenue,
  load,
  type Measured,
  metric,
  option,
  round,
  startProcess,
  stopAll,
  waitReady,
} from './support/harness.ts';
import { startTokenIssuer } from '../test/support/token-issuer.ts';
import { infraCpu } from './support/infra-cpu.ts';

const run = promisify(execFile);

const REQUESTS = option('requests', 3_000);
const CONCURRENCY = option('concurrency', 32);
const WARMUP = Math.min(300, Math.floor(REQUESTS / 10));
const WITH_ROUTER = !process.argv.includes('--no-router');

const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { session { id counted } } }`;
const VENUE = BENCH_VENUE;

async function redisCeiling(redisUrl: string, db: number) {
  const port = new URL(redisUrl).port || '6379';
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    port,
    '--dbnum',
    String(db),
    '-t',
    'incr',
    '-n',
    '200000',
    '-c',
    '50',
    '--csv',
  ];
  const { stdout } = await run('redis-benchmark', args);
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const [header, row] = stdout
    .trim()
    .split('\n')
    .map((line) => line.split(',').map((c) => c.replace(/"/g, '')));
  const cell = (name: string) => Number(row![header!.indexOf(name)]);
  return {
    command: `redis-benchmark ${args.join(' ')}`,
    perSecond: round(cell('rps'), 0),
    p50Ms: cell('p50_latency_ms'),
    p99Ms: cell('p99_latency_ms'),
  };
}

/** CPU seconds a process has used so far (user + system, from /proc; Linux). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ)
  } catch {
    return NaN;
  }
}

/** Runs `measure` and adds what each request cost the given processes in CPU milliseconds. */
async function withCpu<T extends Measured>(
  processes: Record<string, ChildProcess>,
  measure: () => Promise<T>,
) {
  const before = Object.fromEntries(Object.entries(processes).map(([n, p]) => [n, cpuSeconds(p.pid)]));
  const result = await measure();
  const cpuMsPerRequest = Object.fromEntries(
    Object.entries(processes).map(([n, p]) => [
      n,
      round(((cpuSeconds(p.pid) - before[n]!) * 1000) / result.requests, 2),
    ]),
  );
  return { ...result, cpuMsPerRequest };
}

/** The venue's presence write counters (group commit, docs/decisions/0026) from its /metrics. */
async function presenceWrites(venueUrl: string) {
  const text = await (await fetch(`${venueUrl}/metrics`)).text();
  return {
    transactions: metric(text, 'presence_write_transactions_total{outcome="committed"}'),
    rows: metric(text, 'presence_write_rows_total'),
  };
}

function presenceWritesSince(before: { transactions: number; rows: number }, after: typeof before) {
  const transactions = after.transactions - before.transactions;
  return { transactions, rowsPerTransaction: round((after.rows - before.rows) / transactions) };
}

const children: ChildProcess[] = [];
const [database, redis] = await Promise.all([createTestDatabase('venue'), createTestRedis()]);
const issuer = await startTokenIssuer();
const secret = randomBytes(32).toString('hex');
const db = createVenueDb(database.url);

try {
  const venueId = await createBenchVenue(db, 'bench-venue');

  const ceiling = await redisCeiling(redis.url, redis.db ?? 0);

  const venuePort = await freePort();
  const venue = startProcess('venue', 'subgraphs/venue/src/index.ts', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    VENUE_PORT: String(venuePort),
    VENUE_DATABASE_URL: database.url,
    VENUE_DB_POOL_SIZE: '20',
    REDIS_URL: redis.url,
    INTERNAL_IDENTITY_SECRET: secret,
    CHECKIN_EVENTS_TOPIC: uniqueId('bench.checkin.'),
    BOOKING_EVENTS_TOPIC: uniqueId('bench.booking.'),
    PUBSUB_PREFIX: `${uniqueId('bench')}:`,
    CHECKIN_RATE_LIMIT: '1000000',
  });
  children.push(venue);
  const venueUrl = `http://127.0.0.1:${venuePort}`;
  await waitReady(venueUrl, venue);

  let nextUser = 1;
  const checkInBody = () =>
    JSON.stringify({
      query: CHECK_IN,
      variables: { input: { venueId, ...VENUE, accuracyM: 10, idempotencyKey: uniqueId('bench-') } },
    });

  // Direct: the router's signed identity header, prepared before the clock starts.
  const directHeaders = await Promise.all(
    Array.from({ length: WARMUP + REQUESTS }, async () => ({
      'content-type': 'application/json',
      [IDENTITY_HEADER]: await signIdentity(
        { userId: String(nextUser++), roles: ['USER'], venueIds: [] },
        secret,
      ),
    })),
  );
  const direct = (offset: number) => async (i: number) => {
    const res = await fetch(`${venueUrl}/graphql`, {
      method: 'POST',
      headers: directHeaders[offset + i]!,
      body: checkInBody(),
    });
    const body = (await res.json()) as { errors?: unknown };
    return res.ok && !body.errors;
  };
  await load(WARMUP, CONCURRENCY, direct(0));
  // Infrastructure CPU (MariaDB front + shards, Redis, Kafka) joins the venue's in cpuMsPerRequest.
  const [directInfra, writesBefore] = [infraCpu(), await presenceWrites(venueUrl)];
  const subgraph = await withCpu({ venue }, () => load(REQUESTS, CONCURRENCY, direct(WARMUP)));
  Object.assign(subgraph.cpuMsPerRequest, directInfra.perRequest(subgraph.requests));
  const groupCommit = presenceWritesSince(writesBefore, await presenceWrites(venueUrl));

  let router: Measured | { skipped: string };
  if (WITH_ROUTER) {
    const routerPort = await freePort();
    const routerProcess = startProcess('router', 'router/src/index.ts', {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // The benches send their own documents, not the clients' trusted ones.
      TRUSTED_DOCUMENTS: 'off',
      ROUTER_PORT: String(routerPort),
      VENUE_SUBGRAPH_URL: `${venueUrl}/graphql`,
      USER_JWKS_URL: issuer.jwksUrl,
      INTERNAL_IDENTITY_SECRET: secret,
      REDIS_URL: redis.url,
      PUBSUB_PREFIX: `${uniqueId('bench')}:`,
      RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
    });
    children.push(routerProcess);
    const routerUrl = `http://127.0.0.1:${routerPort}`;
    try {
      // The router's /ready needs every subgraph; only the venue one is running here.
      await waitReady(routerUrl, routerProcess, '/health');
      const tokens = await Promise.all(
        Array.from({ length: WARMUP + REQUESTS }, () => issuer.sign({ sub: String(nextUser++) })),
      );
      const viaRouter = (offset: number) => async (i: number) => {
        const res = await fetch(`${routerUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[offset + i]}` },
          body: checkInBody(),
        });
        const body = (await res.json()) as { errors?: unknown };
        return res.ok && !body.errors;
      };
      await load(WARMUP, CONCURRENCY, viaRouter(0));
      router = await withCpu({ venue, router: routerProcess }, () =>
        load(REQUESTS, CONCURRENCY, viaRouter(WARMUP)),
      );
    } catch (err) {
      router = { skipped: `router not usable: ${err instanceof Error ? err.message : String(err)}` };
    }
  } else {
    router = { skipped: '--no-router' };
  }

  const stored = await db.checkIn.count();
  console.log(
    JSON.stringify(
      {
        bench: 'checkin',
        machine: {
          cpus: cpus().length,
          model: cpus()[0]?.model,
          node: process.version,
          loadAverage: loadavg().map((l) => round(l)),
        },
        workload: 'first check-in of a fresh user (Lua step + MariaDB session/outbox transaction + PUBLISH)',
        note:
          'load generator, subgraph, router, MariaDB, Redis and Kafka all share this machine; ' +
          'cpuMsPerRequest is what each check-in cost each process, whatever share of the CPU it got',
        redisIncrCeiling: ceiling,
        subgraph: { ...subgraph, groupCommit },
        router,
        checkInsStored: stored,
      },
      null,
      2,
    ),
  );
} finally {
  await stopAll(children);
  await db.$disconnect();
  await issuer.stop();
  await database.drop();
}
