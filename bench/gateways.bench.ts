// `npm run bench -- gateways [--duration 10] [--connections 32] [--rounds 2]`
//
// Our router beside Hive Gateway 2.15 (its default configuration, and with its merging of
// identical in-flight subgraph requests off), on the same supergraph and the same four subgraph
// processes, driven by autocannon with three operations:
//   - venueSocial: a venue list with each venue's public challenges (venue → social),
//   - venueOnly:   a venue list from the venue subgraph alone,
//   - deep:        me → challenges → participants (users) and venue → forecast (all four subgraphs).
// Our router runs with SUBGRAPH_FETCH_DEDUP on and off. The venue-only list is also sent straight
// to the venue subgraph (the router's plan for it is that one fetch): the router's overhead.
// Rounds alternate the order of the gateways; each figure is the median over rounds. The load
// generator runs in this process: its CPU share and every gateway's are reported, with the load
// average of the machine (other work shares its 2 cores).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { IDENTITY_HEADER, signIdentity } from '@sport-venue/shared';
import { createTestDatabase, createTestRedis, testMongoUrl, uniqueId } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { withoutSecurityPurpose } from '../router/src/security.ts';
import { challengeModel, createChallengeStore } from '../subgraphs/social/src/challenge-store.ts';
import { createLeaderboardBoard } from '../subgraphs/social/src/leaderboard-board.ts';
import { encodeScore } from '../subgraphs/social/src/ranking.ts';
import { writeForecasts, type CachedForecast } from '../subgraphs/prediction/src/forecast-cache.ts';
import { createUserDb, ensureWeChatUser } from '../subgraphs/user/src/user-store.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import { startTokenIssuer } from '../test/support/token-issuer.ts';
import { option, round, startProcess, stopAll, waitReady } from './support/harness.ts';
import { nextId } from '@sport-venue/shared';
import { cpuSeconds } from './support/infra-cpu.ts';

const DURATION = option('duration', 10);
const CONNECTIONS = option('connections', 32);
const ROUNDS = option('rounds', 2);
const VENUES = 20;
const HOUR_MS = 3_600_000;

const OPERATIONS = {
  venueSocial: `{ venues(cityCode: "310000", first: ${VENUES}) { edges { node { id name challenges { id title participantCount } } } } }`,
  venueOnly: `{ venues(cityCode: "310000", first: ${VENUES}) { edges { node { id name address capacity currentCount city { name } } } } }`,
  deep: `{ me { id nickname challenges { id title participants { id nickname } venue { id name forecast(hours: 6) { at expected } } } } }`,
} as const;
type Operation = keyof typeof OPERATIONS;

const root = new URL('../', import.meta.url).pathname;
const [venueData, userData, redisDb] = await Promise.all([
  createTestDatabase('venue'),
  createTestDatabase('user'),
  createTestRedis(),
]);
const mongoUrl = testMongoUrl(uniqueId('bench-gw'));
const issuer = await startTokenIssuer();
const secret = randomBytes(32).toString('hex');
const venueDb = createVenueDb(venueData.url);
const userDb = createUserDb(userData.url);
const redis = new Redis(redisDb.url);
const mongo = await mongoose.createConnection(mongoUrl).asPromise();
const dir = mkdtempSync(join(tmpdir(), 'sv-gateways-'));
const children: ChildProcess[] = [];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  // --- data: 20 venues with cached forecasts, 9 users, 2 public challenges per venue; "me" is in
  // 5 of them with 3 others each.
  await venueDb.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
  const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const venueIds: string[] = [];
  const forecasts = new Map<string, CachedForecast>();
  for (let i = 0; i < VENUES; i++) {
    const venue = await venueDb.venue.create({
      data: {
        id: nextId(),
        cityCode: '310000',
        slug: `gw-${i}`,
        name: `场馆 ${i}`,
        address: '静安区江宁路 428 号',
        lat: 31.23 + i / 1000,
        lng: 121.44,
        sports: ['gym'],
        capacity: 200,
        timeZone: 'Asia/Shanghai',
        openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]])),
      },
    });
    venueIds.push(venue.id.toString());
    forecasts.set(venue.id.toString(), {
      generatedAt: new Date(hour).toISOString(),
      points: Array.from({ length: 48 }, (_, h) => ({
        at: new Date(hour + h * HOUR_MS).toISOString(),
        expected: 20 + ((i + h) % 30),
        low: 10,
        high: 60,
        level: 'BUSY',
      })),
    });
  }
  await writeForecasts(redis, forecasts, 6 * 3_600);
  const userIds: string[] = [];
  for (let i = 0; i < 9; i++)
    userIds.push(
      (await ensureWeChatUser(userDb, { openid: `o-gw-${i}`, nickname: `用户${i}` })).id.toString(),
    );
  const me = userIds[0]!;
  const store = createChallengeStore(challengeModel(mongo));
  await store.ready();
  const board = createLeaderboardBoard(redis);
  const startsAt = new Date(Date.now() - 86_400_000);
  const endsAt = new Date(Date.now() + 6 * 86_400_000);
  for (let i = 0; i < VENUES * 2; i++) {
    const creator = userIds[1 + (i % 8)]!;
    const c = await store.create(
      {
        title: `PK ${i}`,
        slogan: '',
        type: 'CHECKIN_DAYS',
        creatorId: creator,
        venueId: venueIds[i % VENUES]!,
        cityCode: '310000',
        visibility: 'PUBLIC',
        startsAt,
        endsAt,
        maxParticipants: 50,
      },
      new Date(),
    );
    const members = i < 5 ? [me, userIds[(i % 8) + 1]!, userIds[((i + 2) % 8) + 1]!] : [];
    for (const m of members) if (m !== creator) await store.addMember(c, m, new Date());
    for (const m of new Set([creator, ...members]))
      await board.set(c.id, m, encodeScore(i % 4, startsAt, startsAt));
  }

  // --- processes: four subgraphs, routers with merging on and off, Hive Gateway on and off.
  const ports = {
    user: await freePort(),
    venue: await freePort(),
    social: await freePort(),
    prediction: await freePort(),
  };
  const suffix = uniqueId('');
  const common = { LOG_LEVEL: 'warn', REDIS_URL: redisDb.url, INTERNAL_IDENTITY_SECRET: secret };
  const subgraphs = {
    // The user subgraph's production mode wants WeChat and signing secrets it never uses here.
    user: startProcess('user', 'subgraphs/user/src/index.ts', {
      ...common,
      NODE_ENV: 'development',
      USER_PORT: String(ports.user),
      USER_DATABASE_URL: userData.url,
      POINTS_CONSUMER_ENABLED: 'false',
    }),
    venue: startProcess('venue', 'subgraphs/venue/src/index.ts', {
      ...common,
      NODE_ENV: 'production',
      VENUE_PORT: String(ports.venue),
      VENUE_DATABASE_URL: venueData.url,
      CHECKIN_EVENTS_TOPIC: `bench.checkin.${suffix}`,
      BOOKING_EVENTS_TOPIC: `bench.booking.${suffix}`,
    }),
    social: startProcess('social', 'subgraphs/social/src/index.ts', {
      ...common,
      NODE_ENV: 'production',
      SOCIAL_PORT: String(ports.social),
      MONGO_URL: mongoUrl,
      PK_WORKERS: 'false',
    }),
    prediction: startProcess('prediction', 'subgraphs/prediction/src/index.ts', {
      ...common,
      NODE_ENV: 'production',
      PREDICTION_PORT: String(ports.prediction),
    }),
  };
  children.push(...Object.values(subgraphs));
  await Promise.all(
    Object.entries(subgraphs).map(([name, child]) =>
      waitReady(`http://127.0.0.1:${ports[name as keyof typeof ports]}`, child),
    ),
  );
  // One supergraph file for both gateways: the composed one with this run's subgraph addresses,
  // as our router serves it (without the SECURITY purpose, see router/src/security.ts).
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(
    supergraphPath,
    withoutSecurityPurpose(readFileSync(join(root, 'schema/supergraph.graphql'), 'utf8')).replace(
      /(@join__graph\(name: "([a-z]+)", url: ")[^"]+"/g,
      (_m, head: string, name: string) =>
        `${head}http://127.0.0.1:${ports[name as keyof typeof ports]}/graphql"`,
    ),
  );

  type Target = { name: string; url: string; pid: number; auth: 'bearer' | 'identity' };
  const targets: Target[] = [];
  for (const merge of ['on', 'off'] as const) {
    const port = await freePort();
    const router = startProcess(`router-${merge}`, 'router/src/index.ts', {
      ...common,
      NODE_ENV: 'production',
      ROUTER_PORT: String(port),
      SUPERGRAPH_PATH: supergraphPath,
      USER_JWKS_URL: issuer.jwksUrl,
      SUBGRAPH_FETCH_DEDUP: merge === 'on' ? 'true' : 'false',
      // The bench sends its own documents (Hive Gateway gets the same ones), not the clients' trusted ones.
      TRUSTED_DOCUMENTS: 'off',
      RATE_LIMIT_PER_USER_PER_MINUTE: '100000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
      MAX_QUERY_DEPTH: '20',
    });
    children.push(router);
    await waitReady(`http://127.0.0.1:${port}`, router);
    targets.push({
      name: `router-merge-${merge}`,
      url: `http://127.0.0.1:${port}/graphql`,
      pid: router.pid!,
      auth: 'bearer',
    });
  }
  for (const merge of ['on', 'off'] as const) {
    const port = await freePort();
    const child = startProcess(`hive-${merge}`, 'bench/support/hive-gateway.ts', { NODE_ENV: 'production' }, [
      supergraphPath,
      String(port),
      merge,
    ]);
    children.push(child);
    await waitReady(`http://127.0.0.1:${port}`, child, '/healthcheck');
    targets.push({
      name: `hive-merge-${merge}`,
      url: `http://127.0.0.1:${port}/graphql`,
      pid: child.pid!,
      auth: 'identity',
    });
  }
  const direct: Target = {
    name: 'venue-subgraph-direct',
    url: `http://127.0.0.1:${ports.venue}/graphql`,
    pid: subgraphs.venue.pid!,
    auth: 'identity',
  };

  const token = await issuer.sign({ sub: me }, { expiresIn: 3_600 });
  const headersFor = async (target: Target): Promise<Record<string, string>> => ({
    'content-type': 'application/json',
    ...(target.auth === 'bearer'
      ? { authorization: `Bearer ${token}` }
      : // The identity header lives 60 s: signed afresh for each run.
        { [IDENTITY_HEADER]: await signIdentity({ userId: me, roles: ['USER'], venueIds: [] }, secret) }),
  });

  /** One request answered completely and without errors (autocannon counts only statuses). */
  async function check(target: Target, op: Operation) {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: await headersFor(target),
      body: JSON.stringify({ query: OPERATIONS[op] }),
    });
    const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown }; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (body.errors || !body.data) throw new Error(`${target.name} ${op}: ${JSON.stringify(body.errors)}`);
    const size = op === 'deep' ? body.data.me?.challenges?.length : body.data.venues?.edges?.length;
    if (size !== (op === 'deep' ? 5 : VENUES)) throw new Error(`${target.name} ${op}: incomplete answer`);
  }

  async function run(target: Target, op: Operation) {
    await check(target, op);
    const cpu0 = cpuSeconds(target.pid);
    const self0 = process.cpuUsage();
    const result = await autocannon({
      url: target.url,
      method: 'POST',
      headers: await headersFor(target),
      body: JSON.stringify({ query: OPERATIONS[op] }),
      connections: CONNECTIONS,
      duration: DURATION,
    });
    const self = process.cpuUsage(self0);
    return {
      perSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      gatewayCpuShare: round((cpuSeconds(target.pid) - cpu0) / DURATION),
      loadGeneratorCpuShare: round((self.user + self.system) / 1e6 / DURATION),
    };
  }

  const load = { start: loadavg().map((l) => round(l)), end: [] as number[] };
  type Run = Awaited<ReturnType<typeof run>>;
  const runs = new Map<string, Run[]>();
  const record = (key: string, r: Run) => runs.set(key, [...(runs.get(key) ?? []), r]);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const op of Object.keys(OPERATIONS) as Operation[]) {
      for (const target of order) {
        await run(target, op); // warm-up (plans, pools, JIT) is not measured: a short first pass
        record(`${op}/${target.name}`, await run(target, op));
      }
      if (op === 'venueOnly') record(`${op}/${direct.name}`, await run(direct, op));
    }
  }
  load.end = loadavg().map((l) => round(l));

  const summary = (key: string) => {
    const list = runs.get(key) ?? [];
    return {
      perSecond: round(median(list.map((x) => x.perSecond)), 0),
      p50Ms: median(list.map((x) => x.p50Ms)),
      p99Ms: median(list.map((x) => x.p99Ms)),
      errors: list.reduce((n, x) => n + x.errors + x.non2xx, 0),
      gatewayCpuShare: round(median(list.map((x) => x.gatewayCpuShare))),
      loadGeneratorCpuShare: round(median(list.map((x) => x.loadGeneratorCpuShare))),
      runs: list.map((x) => x.perSecond),
    };
  };
  const operations = Object.fromEntries(
    (Object.keys(OPERATIONS) as Operation[]).map((op) => {
      const byTarget = Object.fromEntries(targets.map((t) => [t.name, summary(`${op}/${t.name}`)]));
      const ratio = (a: string, b: string) => round(byTarget[a]!.perSecond / byTarget[b]!.perSecond);
      return [
        op,
        {
          query: OPERATIONS[op],
          ...byTarget,
          ...(op === 'venueOnly' ? { [direct.name]: summary(`${op}/${direct.name}`) } : {}),
          routerVsHive: {
            mergeOn: ratio('router-merge-on', 'hive-merge-on'),
            mergeOff: ratio('router-merge-off', 'hive-merge-off'),
          },
        },
      ];
    }),
  );
  const venueOnly = operations.venueOnly as unknown as Record<string, { perSecond: number; p50Ms: number }>;
  console.log(
    JSON.stringify(
      {
        bench: 'gateways',
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverage: load },
        note:
          'autocannon in this process; gateways, four subgraphs and stores share the machine with other work ' +
          '(load average above). Hive Gateway 2.15 runtime on node:http, one process; it gets the signed ' +
          'identity header from the client (it neither verifies tokens nor signs), our router verifies an RS256 ' +
          'token, checks limits and the rate limit in Redis and signs the identity. perSecond: median of rounds.',
        settings: { durationSeconds: DURATION, connections: CONNECTIONS, rounds: ROUNDS },
        operations,
        routerOverheadVsDirect: {
          note: 'venue-only list: the router plan is one fetch of the same selection from the venue subgraph',
          mergeOn: round(venueOnly[direct.name]!.perSecond / venueOnly['router-merge-on']!.perSecond),
          mergeOff: round(venueOnly[direct.name]!.perSecond / venueOnly['router-merge-off']!.perSecond),
          p50MergeOff: round(venueOnly['router-merge-off']!.p50Ms / venueOnly[direct.name]!.p50Ms),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await stopAll(children);
  redis.disconnect();
  await mongo.dropDatabase().catch(() => undefined);
  await mongo.close();
  await venueDb.$disconnect();
  await userDb.$disconnect();
  await issuer.stop();
  await Promise.all([venueData.drop(), userData.drop()]);
  rmSync(dir, { recursive: true, force: true });
}
