// Scenario: one check-in can be followed through the logs of every process it touches. The router,
// the venue subgraph and the user subgraph run as separate processes (as `npm start` runs them);
// the client's W3C trace id appears on the router's and the venue's lines for the request, and on
// the user subgraph's Kafka consumer line for the check-in event (the outbox carries traceparent).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  createTestDatabase,
  createTestRedis,
  eventually,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { startFakeWeChat, type FakeWeChat } from '../subgraphs/user/src/wechat-fake.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import { nextId } from '@sport-venue/shared';

const root = new URL('../', import.meta.url).pathname;
type Line = Record<string, unknown> & { msg?: string; traceId?: string; requestId?: string };

interface Service {
  name: string;
  child: ChildProcess;
  lines: Line[];
  url: Promise<string>;
}

/** Starts one part of the graph as its own process, JSON logs at debug level, on a free port. */
function startProcess(name: string, entry: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'debug', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      try {
        const line = JSON.parse(text) as Line;
        lines.push(line);
        if (typeof line.url === 'string' && /listening$/.test(line.msg ?? '')) resolve(line.url);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${stderr.slice(-2000)}`)));
  });
  url.catch(() => undefined);
  return { name, child, lines, url };
}

function stopProcess(service: Service | undefined): Promise<void> {
  const child = service?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

describe('one check-in followed across processes by its trace id', () => {
  let userDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let venueDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let wechat: FakeWeChat;
  let user: Service;
  let venue: Service;
  let router: Service;
  let venueId: string;

  before(async () => {
    let redis: Awaited<ReturnType<typeof createTestRedis>>;
    [userDb, venueDb, redis] = await Promise.all([
      createTestDatabase('user'),
      createTestDatabase('venue'),
      createTestRedis(),
    ]);
    wechat = await startFakeWeChat();
    const checkinTopic = uniqueId('checkin.events.');
    const shared = {
      REDIS_URL: redis.url,
      KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
      PUBSUB_PREFIX: `${uniqueId('t')}:`,
    };
    user = startProcess('user', 'subgraphs/user/src/index.ts', {
      ...shared,
      USER_PORT: '0',
      USER_DATABASE_URL: userDb.url,
      WECHAT_API_BASE: wechat.url,
      // A loaded CI machine answers slowly; this test is about logs, not deadlines.
      WECHAT_TIMEOUT_MS: '20000',
      CHECKIN_EVENTS_TOPIC: checkinTopic,
      POINTS_COMMANDS_TOPIC: uniqueId('points.commands.'),
      POINTS_CONSUMER_GROUP: uniqueId('user-points-'),
      STATS_CONSUMER_GROUP: uniqueId('user-stats-'),
      POINTS_CONSUMER_SESSION_TIMEOUT_MS: '6000',
      PASSWORD_SCRYPT_LOG_N: '12',
    });
    venue = startProcess('venue', 'subgraphs/venue/src/index.ts', {
      ...shared,
      VENUE_PORT: '0',
      VENUE_DATABASE_URL: venueDb.url,
      CHECKIN_EVENTS_TOPIC: checkinTopic,
      BOOKING_EVENTS_TOPIC: uniqueId('booking.events.'),
      OUTBOX_RELAY_INTERVAL_MS: '200',
    });
    const [userUrl, venueUrl] = await Promise.all([user.url, venue.url]);
    const unused = 'http://127.0.0.1:9/graphql'; // social and prediction take no part in a check-in
    router = startProcess('router', 'router/src/index.ts', {
      REDIS_URL: redis.url,
      ROUTER_PORT: '0',
      SUBGRAPH_TIMEOUT_MS: '30000',
      USER_SUBGRAPH_URL: userUrl,
      VENUE_SUBGRAPH_URL: venueUrl,
      SOCIAL_SUBGRAPH_URL: unused,
      PREDICTION_SUBGRAPH_URL: unused,
      USER_JWKS_URL: new URL('/.well-known/jwks.json', userUrl).toString(),
    });
    await router.url;

    // A venue open all day at People's Square, written straight to its database (test data).
    const db = createVenueDb(venueDb.url);
    try {
      await db.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
      const allDay = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]]));
      const row = await db.venue.create({
        data: {
          id: nextId(),
          cityCode: '310000',
          slug: 'trace-venue',
          name: '追踪场馆',
          address: '人民广场',
          lat: 31.2304,
          lng: 121.4737,
          sports: ['running'],
          capacity: 100,
          timeZone: 'Asia/Shanghai',
          openingHours: allDay,
          checkinRadiusM: 200,
          typicalStayMin: 90,
        },
      });
      venueId = row.id.toString();
    } finally {
      await db.$disconnect();
    }
  });

  after(async () => {
    await Promise.all([stopProcess(router), stopProcess(venue), stopProcess(user)]);
    await wechat?.stop();
    await Promise.all([userDb?.drop(), venueDb?.drop()]);
  });

  /** What the processes logged at error level, for a failure message. */
  const errorLines = () =>
    JSON.stringify(
      [router, venue, user].flatMap((s) =>
        s.lines.filter((l) => Number(l.level) >= 50).map((l) => [s.name, l.msg, l.err]),
      ),
    );

  async function graphql<T>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ) {
    const res = await fetch(await router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: T; errors?: unknown[] };
  }

  it('router, venue and the user subgraph’s points consumer log it under the client’s trace id', async () => {
    const login = await graphql<{ loginWithWeChat: { accessToken: string } }>(
      'mutation { loginWithWeChat(code: "test-trace") { accessToken } }',
      {},
      {},
    );
    assert.equal(login.errors, undefined, `${JSON.stringify(login.errors)}; ${errorLines()}`);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const checkIn = await graphql<{ checkIn: { session: { id: string } } }>(
      'mutation($input: CheckInInput!) { checkIn(input: $input) { session { id counted } } }',
      { input: { venueId, lat: 31.2304, lng: 121.4737, accuracyM: 10, idempotencyKey: uniqueId('idem-') } },
      {
        authorization: `Bearer ${login.data!.loginWithWeChat.accessToken}`,
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        'x-request-id': 'checkin-trace-1',
      },
    );
    assert.equal(checkIn.errors, undefined, `${JSON.stringify(checkIn.errors)}; ${errorLines()}`);

    const ofTrace = (s: Service) => s.lines.filter((l) => l.traceId === traceId);
    const consumed = await eventually(() => ofTrace(user).find((l) => l.msg === 'ledger message applied'), {
      timeoutMs: 60_000,
    });
    assert.ok(consumed, 'the points consumer logged the check-in event under its trace');
    const [routerLines, venueLines] = [ofTrace(router), ofTrace(venue)];
    assert.ok(routerLines.length > 0, 'router lines carry the trace id');
    assert.ok(venueLines.length > 0, 'venue lines carry the trace id');
    for (const line of [...routerLines, ...venueLines])
      assert.equal(line.requestId, 'checkin-trace-1', `${String(line.msg)}: the request id too`);
    // Nothing else shares it: lines of other requests (the login) carry their own trace.
    const login_ = router.lines.filter((l) => typeof l.traceId === 'string' && l.traceId !== traceId);
    assert.ok(login_.length > 0, 'the login request was logged under another trace');
  });
});
