// `npm run bench -- scale [--requests N] [--concurrency C]`: check-ins through the balanced router
// with one replica of the router and of every subgraph, then with two (infra/topology.ts: each its
// own process, HAProxy in front, Redis Cluster, Kafka topics with three partitions), same machine
// and same load. Prints both, their throughput ratio, and the load generator's own CPU share (on a
// small machine the generator competes with the servers it measures). Where the CPU went during the
// measured window: each part's processes (all replicas, from /proc), the generator, and the whole
// machine (/proc/stat: the stores, HAProxy and anything else running), per check-in.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createKafka, ensureTopics } from '@sport-venue/shared';
import { loadGeneratedDocuments } from '@sport-venue/graph-client/manifests';
import {
  createTestDatabase,
  createTestRedis,
  testMongoUrl,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { startTopology, type Topology } from '../infra/topology.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import { startTokenIssuer } from '../test/support/token-issuer.ts';
import { BENCH_VENUE, createBenchVenue, load, option, round } from './support/harness.ts';

const REQUESTS = option('requests', 1_500);
const CONCURRENCY = option('concurrency', 32);
const WARMUP = Math.min(200, REQUESTS);
const root = new URL('../', import.meta.url).pathname;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds a process has used so far (user + system), or 0 once it is gone. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

const stateDir = process.env.SV_STATE_DIR ?? `${root}.state`;
const IDLE_MS = 5_000;
const pidIn = (file: string) => {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
};
/** This state dir's stores (infra/infra.sh, infra/redis-cluster.sh): name → pids. */
function storePids(): Record<string, Array<number | undefined>> {
  const clusterDir = `${stateDir}/redis-cluster`;
  let clusterNodes: string[] = [];
  try {
    clusterNodes = readdirSync(clusterDir);
  } catch {
    // no cluster state: no pids
  }
  return {
    'redis cluster': clusterNodes.map((port) => pidIn(`${clusterDir}/${port}/redis.pid`)),
    mariadb: [pidIn(`${stateDir}/run/mariadb.pid`)],
    kafka: [pidIn(`${stateDir}/run/kafka.pid`)],
    ferretdb: [pidIn(`${stateDir}/run/ferretdb.pid`)],
  };
}

interface CpuSnapshot {
  processes: Record<string, number>;
  machineBusy: number;
  machineTotal: number;
}

/** CPU seconds so far of each part (replicas added up), HAProxy, each store, and the machine. */
function cpuSnapshot(topology: Topology): CpuSnapshot {
  const processes: Record<string, number> = {};
  const add = (name: string, pid: number | undefined) =>
    (processes[name] = (processes[name] ?? 0) + processCpuSeconds(pid));
  for (const r of topology.replicas) add(r.part, r.process.pid);
  add('haproxy', topology.balancerPid);
  for (const [name, pids] of Object.entries(storePids())) for (const pid of pids) add(name, pid);
  const machine = machineCpuSeconds();
  return { processes, machineBusy: machine.busy, machineTotal: machine.total };
}

const since = (a: CpuSnapshot, b: CpuSnapshot): CpuSnapshot => ({
  processes: Object.fromEntries(
    Object.entries(b.processes).map(([name, sec]) => [name, sec - (a.processes[name] ?? 0)]),
  ),
  machineBusy: b.machineBusy - a.machineBusy,
  machineTotal: b.machineTotal - a.machineTotal,
});

/** Busy and total CPU seconds of the whole machine so far (all cores). */
function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const idle = n[3]! + n[4]!; // idle + iowait
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}
// The mini-program's own check-in, sent by hash as it is in production (trusted documents).
const CHECK_IN_HASH = [...loadGeneratedDocuments()].find(([, text]) =>
  text.startsWith('mutation MpCheckIn('),
)?.[0];
if (!CHECK_IN_HASH) throw new Error('the mini-program manifest has no MpCheckIn operation');

execFileSync('bash', ['infra/redis-cluster.sh', 'up'], { cwd: root, stdio: 'inherit' });
const issuer = await startTokenIssuer();
const secret = randomBytes(32).toString('base64url');

async function run(replicas: number) {
  const [users, venues, redis] = await Promise.all([
    createTestDatabase('user'),
    createTestDatabase('venue'),
    createTestRedis(testServices.redisClusterUrl),
  ]);
  const db = createVenueDb(venues.url, 2);
  const topics = { checkin: uniqueId('bench.checkin.'), points: uniqueId('bench.points.') };
  await ensureTopics(createKafka(testServices.kafkaBrokers, 'bench-scale'), [topics.checkin, topics.points]);
  const topology = await startTopology({
    root,
    replicas,
    stateDir: `${process.env.SV_STATE_DIR ?? `${root}.state`}/bench-scale`,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      REDIS_URL: redis.url,
      KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
      PUBSUB_PREFIX: `${uniqueId('bench')}:`,
      CHECKIN_EVENTS_TOPIC: topics.checkin,
      POINTS_COMMANDS_TOPIC: topics.points,
      USER_JWKS_URL: issuer.jwksUrl,
      INTERNAL_IDENTITY_SECRET: secret,
      RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
    },
    partEnv: {
      user: {
        USER_DATABASE_URL: users.url,
        POINTS_CONSUMER_GROUP: uniqueId('points-'),
        STATS_CONSUMER_GROUP: uniqueId('stats-'),
        // Off the measured path (its consumers only); production would demand WeChat secrets.
        NODE_ENV: 'test',
      },
      venue: { VENUE_DATABASE_URL: venues.url, VENUE_DB_POOL_SIZE: '20', CHECKIN_RATE_LIMIT: '1000000' },
      social: { MONGO_URL: testMongoUrl('bench'), PK_CONSUMER_GROUP: uniqueId('pk-') },
    },
  });
  try {
    const venueId = await createBenchVenue(db, uniqueId('scale-'));
    let nextUser = 1;
    const tokens = await Promise.all(
      Array.from({ length: WARMUP + REQUESTS }, () => issuer.sign({ sub: String(nextUser++) })),
    );
    const call = (offset: number) => async (i: number) => {
      const res = await fetch(`${topology.routerUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[offset + i]}` },
        body: JSON.stringify({
          documentId: `sha256:${CHECK_IN_HASH}`,
          variables: { input: { venueId, ...BENCH_VENUE, accuracyM: 10, idempotencyKey: uniqueId('b-') } },
        }),
      });
      const body = (await res.json()) as { errors?: unknown };
      const ok = res.ok && !body.errors;
      if (!ok) firstError ??= `${res.status} ${JSON.stringify(body).slice(0, 300)}`;
      return ok;
    };
    let firstError: string | undefined;
    await load(WARMUP, CONCURRENCY, call(0));
    // A run of refusals measures nothing: say why and stop.
    if (firstError) throw new Error(`warm-up check-ins failed: ${firstError}`);
    const snapshot = () => cpuSnapshot(topology);
    // What the topology costs doing nothing (health checks, pollers, consumers' heartbeats).
    const idle0 = snapshot();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idle = since(idle0, snapshot());
    const cpu0 = process.cpuUsage();
    const load0 = snapshot();
    const measured = await load(REQUESTS, CONCURRENCY, call(WARMUP));
    const cpu = process.cpuUsage(cpu0);
    const busy = since(load0, snapshot());
    const generatorSeconds = (cpu.user + cpu.system) / 1e6;
    const generatorCpu = generatorSeconds / measured.seconds;
    const perCheckInMs = (seconds: number) => round((seconds * 1000) / REQUESTS, 1);
    const ours = Object.values(busy.processes).reduce((a, b) => a + b, 0) + generatorSeconds;
    if (firstError) console.error(`scale: ${measured.errors} check-ins failed, the first: ${firstError}`);
    return {
      ...measured,
      generatorCoreShare: round(generatorCpu),
      generatorMachineShare: round(generatorCpu / cpus().length),
      /** CPU of the graph (parts, HAProxy, stores, generator) per check-in, ms. */
      graphCpuMsPerCheckIn: perCheckInMs(ours),
      /** The graph's share of the machine's busy CPU (the rest: other work on a shared host). */
      graphShareOfBusyCpu: round(ours / busy.machineBusy),
      /** Share of all cores busy during the measured window (1 = every core busy all the time). */
      machineBusyShare: round(busy.machineBusy / busy.machineTotal),
      loadAverage1m: round(loadavg()[0]!),
      /** CPU milliseconds per second of each part doing nothing, over IDLE_MS before the load. */
      idleCpuMsPerSecond: Object.fromEntries(
        Object.entries(idle.processes).map(([name, sec]) => [
          name,
          round((sec * 1000) / (IDLE_MS / 1000), 1),
        ]),
      ),
      /**
       * CPU milliseconds per check-in: each part (its replicas together), HAProxy, each store, the
       * generator, every other process on the machine (other work on a shared host), the machine.
       */
      cpuMsPerCheckIn: {
        ...Object.fromEntries(Object.entries(busy.processes).map(([name, sec]) => [name, perCheckInMs(sec)])),
        generator: perCheckInMs(generatorSeconds),
        'other processes': perCheckInMs(Math.max(0, busy.machineBusy - ours)),
        machine: perCheckInMs(busy.machineBusy),
      },
    };
  } finally {
    await topology.stop();
    await db.$disconnect();
    await Promise.all([users.drop(), venues.drop()]);
  }
}

const one = await run(1);
const two = await run(2);
await issuer.stop();
console.log(
  JSON.stringify(
    {
      bench: 'scale',
      what: 'checkIn mutations through HAProxy → router → venue (Redis Cluster, partitioned Kafka), 1 vs 2 replicas of every part',
      cores: cpus().length,
      oneReplica: one,
      twoReplicas: two,
      throughputRatio: round(two.perSecond / one.perSecond),
      p99Ratio: round(two.p99Ms / one.p99Ms),
      // On a saturated machine throughput ≈ the graph's CPU share × cores ÷ its CPU per check-in,
      // so the ratio splits into these two factors (their product ≈ throughputRatio when busy ≈ 1).
      cpuPerCheckInFactor: round(one.graphCpuMsPerCheckIn / two.graphCpuMsPerCheckIn),
      cpuShareFactor: round(two.graphShareOfBusyCpu / one.graphShareOfBusyCpu),
      note: 'same machine: with every replica, the stores and the generator on these cores, the ratio measures overhead and contention, not the gain on separate machines',
    },
    null,
    2,
  ),
);
process.exit(0);
