// `npm run bench -- scale [--requests N] [--concurrency C]`: check-ins through the balanced router
// with one replica of the router and of every subgraph, then with two (infra/topology.ts: each its
// own process, HAProxy in front, Redis Cluster, Kafka topics with three partitions), same machine
// and same load. Prints both, their throughput ratio, and the load generator's own CPU share (on a
// small machine the generator competes with the servers it measures). Where the CPU went during the
// measured window: each part's processes (all replicas, from /proc), the generator, and the whole
// machine (/proc/stat: the stores, HAProxy and anything else running), per check-in.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createKafka, ensureTopics } from '@sport-venue/shared';
import {
  createTestDatabase,
  createTestRedis,
  testMongoUrl,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { startTopology } from '../infra/topology.ts';
import { createVenueDb } from '../subgraphs/venue/src/venue-store.ts';
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

/** Busy and total CPU seconds of the whole machine so far (all cores). */
function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const idle = n[3]! + n[4]!; // idle + iowait
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}
const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { session { id } } }`;

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
          query: CHECK_IN,
          variables: { input: { venueId, ...BENCH_VENUE, accuracyM: 10, idempotencyKey: uniqueId('b-') } },
        }),
      });
      const body = (await res.json()) as { errors?: unknown };
      return res.ok && !body.errors;
    };
    await load(WARMUP, CONCURRENCY, call(0));
    const partsCpu = () => {
      const byPart: Record<string, number> = {};
      for (const r of topology.replicas)
        byPart[r.part] = (byPart[r.part] ?? 0) + processCpuSeconds(r.process.pid);
      return byPart;
    };
    const cpu0 = process.cpuUsage();
    const parts0 = partsCpu();
    const machine0 = machineCpuSeconds();
    const measured = await load(REQUESTS, CONCURRENCY, call(WARMUP));
    const cpu = process.cpuUsage(cpu0);
    const parts1 = partsCpu();
    const machine1 = machineCpuSeconds();
    const generatorSeconds = (cpu.user + cpu.system) / 1e6;
    const generatorCpu = generatorSeconds / measured.seconds;
    const machineBusy = machine1.busy - machine0.busy;
    const perCheckInMs = (seconds: number) => round((seconds * 1000) / REQUESTS, 1);
    const partsSeconds = Object.fromEntries(
      Object.keys(parts1).map((part) => [part, parts1[part]! - (parts0[part] ?? 0)]),
    );
    const ours = Object.values(partsSeconds).reduce((a, b) => a + b, 0) + generatorSeconds;
    return {
      ...measured,
      generatorCoreShare: round(generatorCpu),
      generatorMachineShare: round(generatorCpu / cpus().length),
      /** Share of all cores busy during the measured window (1 = every core busy all the time). */
      machineBusyShare: round(machineBusy / (machine1.total - machine0.total)),
      loadAverage1m: round(loadavg()[0]!),
      /** CPU milliseconds per check-in: each part (its replicas together), the generator, the rest. */
      cpuMsPerCheckIn: {
        ...Object.fromEntries(Object.entries(partsSeconds).map(([part, sec]) => [part, perCheckInMs(sec)])),
        generator: perCheckInMs(generatorSeconds),
        'stores, HAProxy and other processes': perCheckInMs(Math.max(0, machineBusy - ours)),
        machine: perCheckInMs(machineBusy),
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
      note: 'same machine: with every replica, the stores and the generator on these cores, the ratio measures overhead and contention, not the gain on separate machines',
    },
    null,
    2,
  ),
);
process.exit(0);
