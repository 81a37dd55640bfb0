// `npm run bench -- subscriptions [--subscribers 5000] [--per-socket 50] [--events 20]`
//
// Live-update delivery through one router: N graphql-ws subscribers of one venue's
// `occupancyChanged { currentCount venue { name } }`, then E check-in mutations through the same
// router, one at a time. For every delivery: latency from sending the mutation to the subscriber
// receiving the new count. Reports p50/p99, deliveries per second, router CPU seconds and RSS
// (from its /metrics). The subscribers run in this process, which shares the 2 cores with the
// router, the venue subgraph and the stores; the figures are an end-to-end floor, not a ceiling.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestDatabase, createTestRedis, uniqueId } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { createVenueDb } from '../subgraphs/venue/src/venue-store.ts';
import {
  BENCH_VENUE,
  createBenchVenue,
  metric,
  option,
  quantile,
  round,
  startProcess,
  stopAll,
  waitReady,
} from './support/harness.ts';
import { startTokenIssuer } from '../test/support/token-issuer.ts';

const SUBSCRIBERS = option('subscribers', 5_000);
const PER_SOCKET = option('per-socket', 50);
const EVENTS = option('events', 20);
const VENUE = BENCH_VENUE;

const [database, redis] = await Promise.all([createTestDatabase('venue'), createTestRedis()]);
const issuer = await startTokenIssuer();
const secret = randomBytes(32).toString('hex');
const db = createVenueDb(database.url);
const children: ReturnType<typeof startProcess>[] = [];
const clients: Client[] = [];

try {
  const venueId = await createBenchVenue(db, 'bench-live');

  const prefix = `${uniqueId('bench')}:`;
  const [venuePort, routerPort] = [await freePort(), await freePort()];
  const venue = startProcess('venue', 'subgraphs/venue/src/index.ts', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    VENUE_PORT: String(venuePort),
    VENUE_DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    INTERNAL_IDENTITY_SECRET: secret,
    CHECKIN_EVENTS_TOPIC: uniqueId('bench.checkin.'),
    BOOKING_EVENTS_TOPIC: uniqueId('bench.booking.'),
    PUBSUB_PREFIX: prefix,
    CHECKIN_RATE_LIMIT: '1000000',
  });
  children.push(venue);
  await waitReady(`http://127.0.0.1:${venuePort}`, venue);
  const router = startProcess('router', 'router/src/index.ts', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ROUTER_PORT: String(routerPort),
    VENUE_SUBGRAPH_URL: `http://127.0.0.1:${venuePort}/graphql`,
    USER_JWKS_URL: issuer.jwksUrl,
    INTERNAL_IDENTITY_SECRET: secret,
    REDIS_URL: redis.url,
    PUBSUB_PREFIX: prefix,
    MAX_SUBSCRIPTIONS_PER_SOCKET: String(PER_SOCKET),
    RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
  });
  children.push(router);
  const routerUrl = `http://127.0.0.1:${routerPort}`;
  // /ready needs every subgraph; only the venue one runs here.
  await waitReady(routerUrl, router, '/health');

  // Deliveries are keyed by the count they carry: the k-th check-in makes the count k.
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let lastDelivery = 0;
  const sockets = Math.ceil(SUBSCRIBERS / PER_SOCKET);
  let subscribed = 0;
  for (let s = 0; s < sockets; s++) {
    const client = createClient({
      url: `ws://127.0.0.1:${routerPort}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
    });
    clients.push(client);
    for (let i = 0; i < PER_SOCKET && subscribed < SUBSCRIBERS; i++, subscribed++) {
      client.subscribe<{ occupancyChanged: { currentCount: number } }>(
        {
          query: `subscription($id: ID!) { occupancyChanged(venueId: $id) { currentCount venue { name } } }`,
          variables: { id: venueId },
        },
        {
          next: ({ data }) => {
            const sent = sentAt.get(data!.occupancyChanged.currentCount);
            if (sent !== undefined) latencies.push(performance.now() - sent);
            delivered += 1;
            lastDelivery = performance.now();
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
  }
  // Every subscription registered at the router before the first event.
  const settle = Date.now() + 120_000;
  for (;;) {
    const text = await (await fetch(`${routerUrl}/metrics`)).text();
    if (metric(text, 'graphql_subscriptions_active') >= SUBSCRIBERS) break;
    if (Date.now() > settle)
      throw new Error(`only ${metric(text, 'graphql_subscriptions_active')} subscriptions registered`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const before = await (await fetch(`${routerUrl}/metrics`)).text();
  const tokens = await Promise.all(
    Array.from({ length: EVENTS }, (_, i) => issuer.sign({ sub: String(1_000 + i) })),
  );
  const started = performance.now();
  for (let k = 1; k <= EVENTS; k++) {
    sentAt.set(k, performance.now());
    const res = await fetch(`${routerUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[k - 1]}` },
      body: JSON.stringify({
        query: 'mutation($input: CheckInInput!) { checkIn(input: $input) { session { id } } }',
        variables: { input: { venueId, ...VENUE, accuracyM: 10, idempotencyKey: uniqueId('bench-') } },
      }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(`check-in failed: ${JSON.stringify(body.errors)}`);
    // Wait for this event's fan-out before the next mutation, so each latency is one event's.
    const expected = k * SUBSCRIBERS;
    const deadline = Date.now() + 30_000;
    while (delivered < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  }
  const seconds = (lastDelivery - started) / 1000;
  const after = await (await fetch(`${routerUrl}/metrics`)).text();
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        bench: 'subscriptions',
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
        note: 'subscribers run in the bench process on the same 2 cores as router, venue subgraph and stores',
        subscribers: SUBSCRIBERS,
        sockets,
        events: EVENTS,
        deliveries: { expected: EVENTS * SUBSCRIBERS, received: delivered },
        latencyMs: {
          p50: round(quantile(latencies, 0.5)),
          p99: round(quantile(latencies, 0.99)),
          max: round(latencies.at(-1) ?? NaN),
        },
        deliveredPerSecond: round(delivered / seconds, 0),
        router: {
          groups: metric(after, 'graphql_subscription_groups_active'),
          executionsPerEvent: round(metric(after, 'subscription_fanout_size_count') / EVENTS, 2),
          cpuSeconds: round(
            metric(after, 'process_cpu_seconds_total') - metric(before, 'process_cpu_seconds_total'),
          ),
          rssMB: round(metric(after, 'process_resident_memory_bytes') / 1e6, 1),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await Promise.all(clients.map((c) => c.dispose()));
  await stopAll(children);
  await db.$disconnect();
  await issuer.stop();
  await database.drop();
}
