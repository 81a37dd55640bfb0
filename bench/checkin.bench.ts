// `npm run bench -- checkin [--requests 3000] [--concurrency 32] [--paced-rate 1000] [--paced-seconds 5] [--no-router]
//                           [--slices 6] [--phases seen,gateway,fresh,paced,alternated,bare]`
//
// Check-in mutations per second and latency (p50/p99), measured from this process against the
// venue subgraph running as its own process (real MariaDB, Redis, Kafka relay), then through the
// router in front of it, next to `redis-benchmark` INCR on the same Redis as the ceiling. Every
// request is a first check-in of a fresh user: one Lua step, one MariaDB transaction (session +
// outbox), one PUBLISH. Load generator and servers share this machine; prints one JSON object.
// Through the router, four runs (docs/decisions/0027, 0034):
//   - router: each user opened the venue's page once before the clock, as the app does before a
//     check-in: the router's verified-token and signed-identity caches and the venue subgraph's
//     verified-identity cache answer, as for most requests;
//     the router sends the check-in's one fetch itself (the direct path, decision 0034);
//   - routerGatewayPath: the same through a second router with the direct path off, every check-in
//     through the gateway's executor: the reference for the direct path in the same run;
//   - routerFreshTokens: every check-in carries a token the router never saw (an RS256 verification each);
//   - routerPaced: open loop at --paced-rate per second for --paced-seconds (the issue's "p99 at
//     1,000/s"): the achieved rate and p99 from each request's due time;
//   - alternated: direct, router and gateway path again, in --slices alternating slices of
//     --requests ÷ slices each, so the three see the same machine: the ratios to read on a shared
//     host, where the phases above, a minute apart, see different shares of the cores.
// Also two plain Node HTTP hops with a canned answer (bare-hops.ts): the machine's floor for any
// request crossing a proxy. The generator (undici Pool, bench/support/load.ts) reports its own CPU.
// `--phases` runs only the named phases after the direct run (all six by default), e.g.
// `--phases seen` to profile the router on the token-seen path alone (BENCH_NODE_ARGS=--cpu-prof).
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { createRedis, IDENTITY_HEADER, signIdentity, type RedisClient } from '@sport-venue/shared';
import { createTestDatabase, createTestRedis, uniqueId } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
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
import { cpuSeconds, infraCpu } from './support/infra-cpu.ts';
import { paced, poster, selfCpuSeconds } from './support/load.ts';

const run = promisify(execFile);

const REQUESTS = option('requests', 3_000);
const CONCURRENCY = option('concurrency', 32);
const WARMUP = Math.min(300, Math.floor(REQUESTS / 10));
const WITH_ROUTER = !process.argv.includes('--no-router');
const PACED_RATE = option('paced-rate', 1_000);
const PACED_SECONDS = option('paced-seconds', 5);
const SLICES = option('slices', 6);
const PHASES = new Set(
  (process.argv.includes('--phases')
    ? process.argv[process.argv.indexOf('--phases') + 1]!
    : 'seen,gateway,fresh,paced,alternated,bare'
  )
    .split(',')
    .map((p) => p.trim()),
);
for (const phase of PHASES)
  if (!['seen', 'gateway', 'fresh', 'paced', 'alternated', 'bare'].includes(phase))
    throw new Error(`--phases: unknown phase "${phase}"`);
const skippedPhase = { skipped: 'not in --phases' };

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

/** CPU seconds the given processes and this one (`loadGenerator`) have used since it was called. */
function cpuSince(processes: Record<string, ChildProcess>): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(processes).map(([n, p]) => [n, cpuSeconds(p.pid)]));
  const self = selfCpuSeconds();
  return () => ({
    ...Object.fromEntries(Object.entries(processes).map(([n, p]) => [n, cpuSeconds(p.pid) - before[n]!])),
    loadGenerator: selfCpuSeconds() - self,
  });
}

const msPerRequest = (used: Record<string, number>, requests: number) =>
  Object.fromEntries(Object.entries(used).map(([n, s]) => [n, round((s * 1000) / requests, 2)]));

/**
 * Runs `measure` and adds what each request cost the given processes and this one (the load
 * generator) in CPU milliseconds, and each one's share of a core over the run.
 */
async function withCpu<T extends { requests: number; seconds: number }>(
  processes: Record<string, ChildProcess>,
  measure: () => Promise<T>,
) {
  const used = cpuSince(processes);
  const result = await measure();
  const spent = used();
  const cpuShare = Object.fromEntries(Object.entries(spent).map(([n, s]) => [n, round(s / result.seconds)]));
  return { ...result, cpuMsPerRequest: msPerRequest(spent, result.requests), cpuShare };
}

/** Requests, seconds and CPU seconds per process summed over the slices of one target. */
interface Tally {
  requests: number;
  seconds: number;
  cpuSeconds: Record<string, number>;
}
const tally = (): Tally => ({ requests: 0, seconds: 0, cpuSeconds: {} });

/**
 * Work a slice leaves behind (the outbox relay's next batch, up to 50 ms later; collections) would
 * land in the next slice: each slice's CPU is read this long after its last answer (its
 * throughput at the last answer).
 */
const SLICE_SETTLE_MS = 300;

async function tallied(
  into: Tally,
  processes: Record<string, ChildProcess>,
  measure: () => Promise<Measured>,
) {
  const used = cpuSince(processes);
  const result = await measure();
  await new Promise((resolve) => setTimeout(resolve, SLICE_SETTLE_MS));
  for (const [n, s] of Object.entries(used())) into.cpuSeconds[n] = (into.cpuSeconds[n] ?? 0) + s;
  // A refused check-in is not a measurement of one (and is far cheaper).
  if (result.errors) throw new Error(`${result.errors} of ${result.requests} check-ins of a slice failed`);
  into.requests += result.requests;
  into.seconds += result.seconds;
}

function summary(t: Tally) {
  return {
    requests: t.requests,
    seconds: round(t.seconds),
    perSecond: round(t.requests / t.seconds, 0),
    cpuMsPerRequest: msPerRequest(t.cpuSeconds, t.requests),
  };
}

/** Router throughput over direct, and the router's CPU per request over the bare proxy's. */
function ratios(
  direct: { perSecond: number },
  router: { perSecond: number; cpuMsPerRequest?: Record<string, number> } | { skipped: string },
  fresh: { perSecond: number; cpuMsPerRequest?: Record<string, number> } | { skipped: string },
  bare: { perSecond: number; cpuMsPerRequest: Record<string, number> } | { skipped: string },
  gatewayPath: { perSecond: number; cpuMsPerRequest?: Record<string, number> } | { skipped: string },
) {
  const of = (r: typeof router) =>
    'skipped' in r
      ? null
      : {
          routerVsDirect: round(r.perSecond / direct.perSecond),
          routerCpuVsBareProxyCpu:
            'skipped' in bare ? null : round(r.cpuMsPerRequest!.router! / bare.cpuMsPerRequest.proxy!),
        };
  return {
    tokenSeen: of(router),
    freshToken: of(fresh),
    gatewayPath: of(gatewayPath),
    bareVsDirect: 'skipped' in bare ? null : round(bare.perSecond / direct.perSecond),
  };
}

/** The router's direct fetches (router/src/direct-fetch.ts) from its /metrics. */
async function directFetches(routerUrl: string) {
  const text = await (await fetch(`${routerUrl}/metrics`)).text();
  return {
    answered: metric(text, 'router_direct_fetches_total{outcome="answered"}') || 0,
    replayed: metric(text, 'router_direct_fetches_total{outcome="replayed"}') || 0,
  };
}

/** The venue's presence write counters (group commit, docs/decisions/0026) from its /metrics. */
async function presenceWrites(venueUrl: string) {
  const text = await (await fetch(`${venueUrl}/metrics`)).text();
  return {
    transactions: metric(text, 'presence_write_transactions_total{outcome="committed"}'),
    rows: metric(text, 'presence_write_rows_total'),
  };
}

/**
 * Counters of the store traffic check-ins cause (docs/decisions/0031), from the bench's own Redis
 * (quiet otherwise): its socket reads (`total_reads_processed`: what clients' batched writes cost
 * it) and commands (`total_commands_processed`, which also counts every command a script runs);
 * statements the MariaDB front received (`Questions`: each statement of a multi-statement request
 * counts) and its commits; the venue process's read and write system calls (/proc/<pid>/io: socket
 * round trips of every store, Kafka and HTTP).
 */
async function storeCounters(
  redis: RedisClient,
  db: ReturnType<typeof createVenueDb>,
  pid: number | undefined,
) {
  const info = await redis.info('stats');
  const rows = await db.$queryRawUnsafe<Array<{ Variable_name: string; Value: string }>>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit')",
  );
  let io = '';
  try {
    io = readFileSync(`/proc/${pid}/io`, 'utf8');
  } catch {
    // not Linux, or not readable: reported as null
  }
  const field = (text: string, name: string) =>
    Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  const status = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? NaN);
  return {
    redisSocketReads: field(info, 'total_reads_processed'),
    redisCommandsWithScriptCalls: field(info, 'total_commands_processed'),
    mariadbStatements: status('Questions'),
    mariadbCommits: status('Com_commit'),
    venueReadSyscalls: field(io, 'syscr'),
    venueWriteSyscalls: field(io, 'syscw'),
  };
}

function storeTrafficPerCheckIn(
  before: Awaited<ReturnType<typeof storeCounters>>,
  after: typeof before,
  requests: number,
) {
  return Object.fromEntries(
    Object.entries(after).map(([name, value]) => {
      const per = (value - before[name as keyof typeof before]) / requests;
      return [name, Number.isFinite(per) ? round(per, 2) : null];
    }),
  );
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
const redisClient = createRedis(redis.url);

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
  const signedHeaders = (n: number) =>
    Promise.all(
      Array.from({ length: n }, async () => ({
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await signIdentity(
          { userId: String(nextUser++), roles: ['USER'], venueIds: [] },
          secret,
        ),
      })),
    );
  const directHeaders = await signedHeaders(WARMUP + REQUESTS);
  // The venue's page, which a user opens before checking in there.
  const venuePage = JSON.stringify({
    query: 'query($id: ID!) { venue(id: $id) { id name } }',
    variables: { id: venueId },
  });
  const venueClient = poster(`${venueUrl}/graphql`, CONCURRENCY);
  const answered = ({ status, json }: { status: number; json: unknown }) =>
    status === 200 && !(json as { errors?: unknown }).errors;
  /** The i-th check-in sent to the subgraph with the i-th identity header. */
  const checkInDirect = (headers: Array<Record<string, string>>) => async (i: number) =>
    answered(await venueClient.post(headers[i]!, checkInBody()));
  await load(WARMUP, CONCURRENCY, checkInDirect(directHeaders));
  // Each measured user's page first, as through the router: the subgraph has verified (and cached)
  // the identity header its check-in carries.
  const openPages = async (headers: Array<Record<string, string>>) => {
    const pages = await load(headers.length, CONCURRENCY, async (i) =>
      answered(await venueClient.post(headers[i]!, venuePage)),
    );
    if (pages.errors) throw new Error(`${pages.errors} venue page requests failed`);
  };
  const measuredHeaders = directHeaders.slice(WARMUP);
  await openPages(measuredHeaders);
  // Infrastructure CPU (MariaDB front + shards, Redis, Kafka) joins the venue's in cpuMsPerRequest.
  const countersBefore = await storeCounters(redisClient, db, venue.pid);
  const [directInfra, writesBefore] = [infraCpu(), await presenceWrites(venueUrl)];
  const subgraph = await withCpu({ venue }, () =>
    load(REQUESTS, CONCURRENCY, checkInDirect(measuredHeaders)),
  );
  Object.assign(subgraph.cpuMsPerRequest, directInfra.perRequest(subgraph.requests));
  const groupCommit = presenceWritesSince(writesBefore, await presenceWrites(venueUrl));
  // Relayed events of these check-ins go out up to the relay's coalescing delay later.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const perCheckIn = storeTrafficPerCheckIn(
    countersBefore,
    await storeCounters(redisClient, db, venue.pid),
    subgraph.requests,
  );

  type Through = Awaited<ReturnType<typeof withCpu<Measured>>>;
  let router: Through | { skipped: string };
  let routerFreshTokens: Through | { skipped: string } = { skipped: '--no-router' };
  let routerGatewayPath: Through | { skipped: string } = { skipped: '--no-router' };
  let routerDirectFetches: Awaited<ReturnType<typeof directFetches>> | null = null;
  let alternated: Record<string, unknown> = { skipped: '--no-router' };
  let routerPaced:
    Awaited<ReturnType<typeof withCpu<Awaited<ReturnType<typeof paced>>>>> | { skipped: string } = {
    skipped: '--no-router',
  };
  if (WITH_ROUTER) {
    /** A router in front of the venue subgraph; `env` adds to (or overrides) its settings. */
    const startRouterProcess = async (name: string, env: Record<string, string> = {}) => {
      const port = await freePort();
      const child = startProcess(name, 'router/src/index.ts', {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        // The benches send their own documents, not the clients' trusted ones.
        TRUSTED_DOCUMENTS: 'off',
        ROUTER_PORT: String(port),
        VENUE_SUBGRAPH_URL: `${venueUrl}/graphql`,
        USER_JWKS_URL: issuer.jwksUrl,
        INTERNAL_IDENTITY_SECRET: secret,
        REDIS_URL: redis.url,
        PUBSUB_PREFIX: `${uniqueId('bench')}:`,
        RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
        RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
        ...env,
      });
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      // The router's /ready needs every subgraph; only the venue one is running here.
      await waitReady(url, child, '/health');
      return { child, url };
    };
    const { child: routerProcess, url: routerUrl } = await startRouterProcess('router');
    const routerClient = poster(`${routerUrl}/graphql`, CONCURRENCY);
    const pacedClient = poster(`${routerUrl}/graphql`, 256);
    try {
      const signTokens = (n: number) =>
        Promise.all(Array.from({ length: n }, () => issuer.sign({ sub: String(nextUser++) })));
      const bearer = (token: string) => ({
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      });
      const checkInWith = (client: typeof routerClient, tokens: string[]) => async (i: number) =>
        answered(await client.post(bearer(tokens[i]!), checkInBody()));
      // A client's request before its check-in, as the app opens the venue's page first: the router
      // verifies (and caches) its token and signs (and caches) its identity for the venue subgraph,
      // which verifies (and caches) that identity. The fresh-token phase measures all three cold.
      const seen = async (tokens: string[], client = routerClient) => {
        const result = await load(tokens.length, CONCURRENCY, async (i) =>
          answered(await client.post(bearer(tokens[i]!), venuePage)),
        );
        if (result.errors) throw new Error(`${result.errors} token warm-up requests failed`);
      };

      const warm = await signTokens(WARMUP);
      await load(WARMUP, CONCURRENCY, checkInWith(routerClient, warm));

      router = skippedPhase;
      if (PHASES.has('seen')) {
        const known = await signTokens(REQUESTS);
        await seen(known);
        router = await withCpu({ venue, router: routerProcess }, () =>
          load(REQUESTS, CONCURRENCY, checkInWith(routerClient, known)),
        );
      }

      // The same check-ins through a router that runs every operation through the gateway's
      // executor (ROUTER_DIRECT_FETCHES=false): the reference for the direct path (decision 0034).
      routerGatewayPath = skippedPhase;
      if (PHASES.has('gateway')) {
        const reference = await startRouterProcess('router-gateway-path', { ROUTER_DIRECT_FETCHES: 'false' });
        const referenceClient = poster(`${reference.url}/graphql`, CONCURRENCY);
        try {
          const warmReference = await signTokens(WARMUP);
          await load(WARMUP, CONCURRENCY, checkInWith(referenceClient, warmReference));
          const known = await signTokens(REQUESTS);
          await seen(known, referenceClient);
          routerGatewayPath = await withCpu({ venue, router: reference.child }, () =>
            load(REQUESTS, CONCURRENCY, checkInWith(referenceClient, known)),
          );
        } finally {
          await referenceClient.close();
          await stopAll([reference.child]);
        }
      }

      routerFreshTokens = skippedPhase;
      if (PHASES.has('fresh')) {
        const fresh = await signTokens(REQUESTS);
        routerFreshTokens = await withCpu({ venue, router: routerProcess }, () =>
          load(REQUESTS, CONCURRENCY, checkInWith(routerClient, fresh)),
        );
      }

      routerPaced = skippedPhase;
      if (PHASES.has('paced')) {
        const pacedTokens = await signTokens(PACED_RATE * PACED_SECONDS);
        await seen(pacedTokens);
        routerPaced = await withCpu({ venue, router: routerProcess }, () =>
          paced(PACED_RATE, pacedTokens.length, checkInWith(pacedClient, pacedTokens)),
        );
      }

      // Direct, router and gateway path in alternating slices: on a shared host the CPU left to
      // the bench drifts between phases a minute apart by more than the router's own cost, and
      // router ÷ direct with it (×0.69–1.12 over six runs of the phases above); slices of a few
      // hundred check-ins each see the same machine.
      alternated = skippedPhase;
      if (PHASES.has('alternated')) {
        const perSlice = Math.ceil(REQUESTS / SLICES);
        const reference = await startRouterProcess('router-gateway-path-alternated', {
          ROUTER_DIRECT_FETCHES: 'false',
        });
        const referenceClient = poster(`${reference.url}/graphql`, CONCURRENCY);
        try {
          await load(WARMUP, CONCURRENCY, checkInWith(referenceClient, await signTokens(WARMUP)));
          const tallies = { direct: tally(), router: tally(), gatewayPath: tally() };
          for (let slice = 0; slice < SLICES; slice++) {
            // Each slice's users are made and open the venue's page just before it, as in the
            // phases above: identity headers live 60 s, the router reuses a signed one for 30 s.
            const [routerTokens, referenceTokens] = [await signTokens(perSlice), await signTokens(perSlice)];
            await seen(routerTokens);
            await seen(referenceTokens, referenceClient);
            // Signed last: a large slice's warm-ups can outlast a header signed before them.
            const headers = await signedHeaders(perSlice);
            await openPages(headers);
            await tallied(tallies.direct, { venue }, () =>
              load(perSlice, CONCURRENCY, checkInDirect(headers)),
            );
            await tallied(tallies.router, { venue, router: routerProcess }, () =>
              load(perSlice, CONCURRENCY, checkInWith(routerClient, routerTokens)),
            );
            await tallied(tallies.gatewayPath, { venue, router: reference.child }, () =>
              load(perSlice, CONCURRENCY, checkInWith(referenceClient, referenceTokens)),
            );
          }
          const [direct, viaRouter, viaGateway] = [
            summary(tallies.direct),
            summary(tallies.router),
            summary(tallies.gatewayPath),
          ];
          alternated = {
            slices: SLICES,
            requestsPerSlice: perSlice,
            direct,
            router: viaRouter,
            gatewayPath: viaGateway,
            routerVsDirect: round(viaRouter.perSecond / direct.perSecond),
            gatewayPathVsDirect: round(viaGateway.perSecond / direct.perSecond),
          };
        } catch (err) {
          alternated = { failed: err instanceof Error ? err.message : String(err) };
        } finally {
          await referenceClient.close();
          await stopAll([reference.child]);
        }
      }
      routerDirectFetches = await directFetches(routerUrl);
    } catch (err) {
      router = { skipped: `router not usable: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      await Promise.all([routerClient.close(), pacedClient.close()]);
    }
  } else {
    router = { skipped: '--no-router' };
  }
  await venueClient.close();

  // Two bare HTTP hops (proxy → upstream, canned answer): the floor of any proxied request here.
  const bareTwoHops = async () => {
    const [upstreamPort, proxyPort] = [await freePort(), await freePort()];
    const upstream = startProcess('bare-upstream', 'bench/support/bare-hops.ts', {}, [
      'upstream',
      String(upstreamPort),
    ]);
    children.push(upstream);
    const proxy = startProcess('bare-proxy', 'bench/support/bare-hops.ts', {}, [
      'proxy',
      String(proxyPort),
      `http://127.0.0.1:${upstreamPort}`,
    ]);
    children.push(proxy);
    await waitReady(`http://127.0.0.1:${upstreamPort}`, upstream, '/health');
    await waitReady(`http://127.0.0.1:${proxyPort}`, proxy, '/health');
    const bareClient = poster(`http://127.0.0.1:${proxyPort}/graphql`, CONCURRENCY);
    const bareCall = async () =>
      answered(await bareClient.post({ 'content-type': 'application/json' }, checkInBody()));
    await load(WARMUP, CONCURRENCY, bareCall);
    const bareHops = await withCpu({ proxy, upstream }, () => load(REQUESTS, CONCURRENCY, bareCall));
    await bareClient.close();
    return bareHops;
  };
  const bareHops: Awaited<ReturnType<typeof bareTwoHops>> | { skipped: string } = PHASES.has('bare')
    ? await bareTwoHops()
    : skippedPhase;

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
          'load generator (undici Pool in this process), subgraph, router, MariaDB, Redis and Kafka all share ' +
          'this machine; cpuMsPerRequest is what each check-in cost each process (loadGenerator: this one), ' +
          'whatever share of the CPU it got; cpuShare: cores each used over the run',
        redisIncrCeiling: ceiling,
        subgraph: {
          ...subgraph,
          groupCommit,
          perCheckIn: {
            note: 'store traffic per check-in (Redis instance commands, MariaDB front statements, venue process syscalls), relay included',
            ...perCheckIn,
          },
        },
        router,
        routerDirectFetches: {
          note: 'operations the router sent itself over its life (warm-up included): answered, or replayed through the gateway',
          ...routerDirectFetches,
        },
        routerGatewayPath: {
          note: 'the tokenSeen check-ins through a router with ROUTER_DIRECT_FETCHES=false (every operation through the gateway executor)',
          ...routerGatewayPath,
        },
        routerFreshTokens,
        routerPaced,
        alternated: {
          note: 'direct, router (token seen) and gateway path in alternating slices: the ratio on a drifting machine',
          ...alternated,
        },
        bareTwoHops: {
          note: 'node:http proxy (undici Pool) → node:http server with a canned check-in answer: two plain hops, no work',
          ...bareHops,
        },
        ratios: ratios(subgraph, router, routerFreshTokens, bareHops, routerGatewayPath),
        checkInsStored: stored,
      },
      null,
      2,
    ),
  );
} finally {
  await stopAll(children);
  await db.$disconnect();
  redisClient.disconnect();
  await issuer.stop();
  await database.drop();
}
