// Shared by the benchmarks: options, a closed-loop load generator with latency quantiles, server
// processes, and an RS256 token issuer with a JWKS endpoint for the router.
import { spawn, type ChildProcess } from 'node:child_process';
import type { createVenueDb } from '../../subgraphs/venue/src/catalog/venue-store.ts';
import { freePort } from '../../infra/instance.ts';
import { nextId } from '@sport-venue/shared';
import { nodeArgsFor } from '../../router/src/node-args.ts';

type VenueDb = ReturnType<typeof createVenueDb>;

const root = new URL('../../', import.meta.url).pathname;

export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface Measured {
  requests: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `requests` calls with `concurrency` workers; latency per call, throughput over the run. */
export async function load(
  requests: number,
  concurrency: number,
  call: (i: number) => Promise<boolean>,
): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const t0 = performance.now();
        const ok = await call(i).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests,
    concurrency,
    seconds: round(seconds),
    perSecond: round(requests / seconds, 0),
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    errors,
  };
}

export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
): ChildProcess {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the servers.
  const nodeArgs = [...nodeArgsFor(entry), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  return child;
}

/** Waits for `path` (default /ready) to answer 200. */
export async function waitReady(url: string, child: ChildProcess, path = '/ready') {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}${path}`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within 60 s`);
}

export async function stopAll(children: ChildProcess[]) {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
  );
}

/** Reads one unlabelled sample from a Prometheus text page. */
export function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : NaN;
}

/** The venue the check-in benches hit: open around the clock, room for everyone, in Shanghai. */
export const BENCH_VENUE = { lat: 31.2352, lng: 121.4456 };

export async function createBenchVenue(db: VenueDb, slug: string): Promise<string> {
  await db.city.upsert({
    where: { code: '310000' },
    create: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
    update: {},
  });
  const venue = await db.venue.create({
    data: {
      id: nextId(),
      cityCode: '310000',
      slug,
      name: `基准测试场馆 ${slug}`,
      address: '静安区江宁路 428 号',
      ...BENCH_VENUE,
      sports: ['gym'],
      capacity: 100_000,
      timeZone: 'Asia/Shanghai',
      openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]])),
    },
  });
  return venue.id.toString();
}

/**
 * The venue and prediction subgraphs and a router over them, each its own process in production
 * mode (user and social stay down: the benched queries do not reach them). Started processes are
 * pushed to `children` as they start, so the caller's stopAll() also cleans up after a failure.
 */
export async function startVenuePredictionRouter(
  children: ChildProcess[],
  options: {
    databaseUrl: string;
    redisUrl: string;
    secret: string;
    jwksUrl: string;
    predictionEnv?: Record<string, string>;
    routerEnv?: Record<string, string>;
  },
) {
  const [venuePort, predictionPort, routerPort] = [await freePort(), await freePort(), await freePort()];
  const common = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: options.redisUrl,
    INTERNAL_IDENTITY_SECRET: options.secret,
  };
  const suffix = `${process.pid}.${Date.now()}`;
  const venue = startProcess('venue', 'subgraphs/venue/src/index.ts', {
    ...common,
    VENUE_PORT: String(venuePort),
    VENUE_DATABASE_URL: options.databaseUrl,
    CHECKIN_EVENTS_TOPIC: `bench.checkin.${suffix}`,
    BOOKING_EVENTS_TOPIC: `bench.booking.${suffix}`,
  });
  children.push(venue);
  const prediction = startProcess('prediction', 'subgraphs/prediction/src/index.ts', {
    ...common,
    PREDICTION_PORT: String(predictionPort),
    ...options.predictionEnv,
  });
  children.push(prediction);
  await Promise.all([
    waitReady(`http://127.0.0.1:${venuePort}`, venue),
    waitReady(`http://127.0.0.1:${predictionPort}`, prediction),
  ]);
  const router = startProcess('router', 'router/src/index.ts', {
    ...common,
    // The benches send their own documents, not the clients' trusted ones.
    TRUSTED_DOCUMENTS: 'off',
    ROUTER_PORT: String(routerPort),
    VENUE_SUBGRAPH_URL: `http://127.0.0.1:${venuePort}/graphql`,
    PREDICTION_SUBGRAPH_URL: `http://127.0.0.1:${predictionPort}/graphql`,
    USER_JWKS_URL: options.jwksUrl,
    RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
    ...options.routerEnv,
  });
  children.push(router);
  await waitReady(`http://127.0.0.1:${routerPort}`, router, '/health');
  return {
    venuePort,
    predictionPort,
    routerPort,
    pids: { venue: venue.pid!, prediction: prediction.pid!, router: router.pid! },
  };
}
