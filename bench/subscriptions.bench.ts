// `npm run bench -- subscriptions [--subscribers 10000] [--per-socket 50] [--venues 100] [--rate 1000] [--seconds 10]`
//
// Live-update fan-out of one router: N graphql-ws subscribers of `occupancyChanged(venueId)`
// spread evenly over V venues, then events at R per second across those venues for S seconds.
// The events are PUBLISHED DIRECTLY on the router's Redis pub/sub channels (the venue subgraph's
// contract, docs/events.md), not produced by check-ins: the check-in path cannot drive 1,000/s on
// this machine, and this bench measures the router. Every event carries a per-venue count that
// rises by one, so each subscriber can tell exactly which events it received: none may be missing,
// duplicated or out of order. Latency is from publishing to the subscriber's socket receiving the
// message. The subscribers speak the graphql-transport-ws protocol over `ws` directly (a thin
// client, so the load generator costs little), in worker threads of this process, on the same
// 2 cores as the router. On a machine shared with other work the router gets only a share of a
// core: cpuMicrosPerDelivery says what each delivery costs it, independent of that share.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { channels } from '@sport-venue/shared';
import { createTestRedis, uniqueId } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { metric, option, quantile, round, startProcess, stopAll, waitReady } from './support/harness.ts';
import type { SubscriberWorkerData } from './support/subscriber-worker.ts';
import { startTokenIssuer } from '../test/support/token-issuer.ts';

const SUBSCRIBERS = option('subscribers', 10_000);
const PER_SOCKET = option('per-socket', 50);
const VENUES = option('venues', 100);
const RATE = option('rate', 1_000);
const SECONDS = option('seconds', 10);
const WORKERS = option('workers', 2);

const QUERY = 'subscription($id: ID!) { occupancyChanged(venueId: $id) { venueId currentCount at } }';

const redisDb = await createTestRedis();
const publisher = new Redis(redisDb.url);
const issuer = await startTokenIssuer();
const children: ReturnType<typeof startProcess>[] = [];
const workers: Worker[] = [];

interface WorkerReport {
  expected: number;
  received: number;
  missing: number;
  outOfOrder: number;
  latencies: Float64Array;
}

const venueIds = Array.from({ length: VENUES }, (_, i) => String(100_000 + i));

try {
  const prefix = `${uniqueId('bench')}:`;
  const routerPort = await freePort();
  const router = startProcess('router', 'router/src/index.ts', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // The benches send their own documents, not the clients' trusted ones.
    TRUSTED_DOCUMENTS: 'off',
    ROUTER_PORT: String(routerPort),
    USER_JWKS_URL: issuer.jwksUrl,
    INTERNAL_IDENTITY_SECRET: randomBytes(32).toString('hex'),
    REDIS_URL: redisDb.url,
    PUBSUB_PREFIX: prefix,
    MAX_SUBSCRIPTIONS_PER_SOCKET: String(PER_SOCKET),
    RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
  });
  children.push(router);
  const routerUrl = `http://127.0.0.1:${routerPort}`;
  // /ready needs every subgraph; the selection here is the event payload alone, no subgraph runs.
  await waitReady(routerUrl, router, '/health');
  // A busy router may reset an idle keep-alive connection just as it is reused: ask again.
  const scrape = async (attempt = 0): Promise<string> => {
    try {
      return await (await fetch(`${routerUrl}/metrics`)).text();
    } catch (err) {
      if (attempt >= 3) throw err;
      return scrape(attempt + 1);
    }
  };
  const idle = await scrape();

  // sentAt[venue * stride + count]: when the event that made the venue's count `count` was
  // published (absolute ms, shared with the subscriber threads).
  const stride = RATE * SECONDS + 2;
  const sentAtBuffer = new SharedArrayBuffer(VENUES * stride * 8);
  const sentAt = new Float64Array(sentAtBuffer);
  const receivedBuffer = new SharedArrayBuffer(WORKERS * 4);
  const receivedSoFar = () => new Int32Array(receivedBuffer).reduce((a, b) => a + b, 0);
  const socketCount = Math.ceil(SUBSCRIBERS / PER_SOCKET);
  const perWorker = Math.ceil(socketCount / WORKERS);
  for (let w = 0; w < WORKERS; w++) {
    const data: SubscriberWorkerData = {
      index: w,
      url: `ws://127.0.0.1:${routerPort}/graphql`,
      firstSocket: w * perWorker,
      sockets: Math.max(0, Math.min(perWorker, socketCount - w * perWorker)),
      perSocket: PER_SOCKET,
      subscribers: SUBSCRIBERS,
      venueIds,
      query: QUERY,
      sentAt: sentAtBuffer,
      stride,
      received: receivedBuffer,
    };
    const worker = new Worker(new URL('./support/subscriber-worker.ts', import.meta.url), {
      workerData: data,
    });
    workers.push(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
  }
  const clock = () => performance.timeOrigin + performance.now();

  // Every subscription registered and listening at the router before the first event.
  const settle = Date.now() + 180_000;
  for (;;) {
    const text = await scrape();
    if (metric(text, 'graphql_subscriptions_active') >= SUBSCRIBERS) break;
    if (Date.now() > settle)
      throw new Error(`only ${metric(text, 'graphql_subscriptions_active')} subscriptions registered`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 1_000)); // the last groups' SUBSCRIBE reaches Redis
  const before = await scrape();

  // Publish at RATE per second, round-robin over the venues, catching up after any late tick so
  // the achieved rate is the target rate (reported below).
  const total = RATE * SECONDS;
  const counts = new Uint32Array(VENUES);
  let published = 0;
  let peakRss = metric(before, 'process_resident_memory_bytes');
  // What the resident peak is made of: the JavaScript heap and buffers outside it (unsent data).
  const peak = { heap: 0, external: 0 };
  const notePeak = (text: string) => {
    const rss = metric(text, 'process_resident_memory_bytes');
    if (rss <= peakRss) return;
    peakRss = rss;
    peak.heap = metric(text, 'nodejs_heap_size_used_bytes');
    peak.external = metric(text, 'nodejs_external_memory_bytes');
  };
  const started = performance.now();
  while (published < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
    if (due > published) {
      const pipeline = publisher.pipeline();
      for (; published < due; published++) {
        const v = published % VENUES;
        const count = (counts[v] = counts[v]! + 1);
        sentAt[v * stride + count] = clock();
        pipeline.publish(
          channels.occupancy.name(prefix, venueIds[v]!),
          JSON.stringify({
            v: 1,
            venueId: venueIds[v],
            currentCount: count,
            at: new Date().toISOString(),
            seq: count,
          }),
        );
      }
      await pipeline.exec();
    }
    await new Promise((r) => setTimeout(r, 5));
    if (published % (RATE * 2) < RATE / 100) notePeak(await scrape());
  }
  const publishSeconds = (performance.now() - started) / 1000;
  // Drain: until every expected message arrived, or nothing arrived for 5 s.
  const expectedTotal = [...Array(SUBSCRIBERS).keys()].reduce((n, i) => n + counts[i % VENUES]!, 0);
  let lastSeen = receivedSoFar();
  let quietSince = Date.now();
  while (receivedSoFar() < expectedTotal && Date.now() - quietSince < 5_000) {
    await new Promise((r) => setTimeout(r, 100));
    if (receivedSoFar() !== lastSeen) [lastSeen, quietSince] = [receivedSoFar(), Date.now()];
  }
  const deliverySeconds = (performance.now() - started) / 1000;
  const after = await scrape();
  notePeak(after);
  const reports = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<WorkerReport>((resolve) => {
          worker.once('message', resolve);
          worker.postMessage({ type: 'finish', counts: [...counts] });
        }),
    ),
  );
  const sum = (f: (r: WorkerReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const latencies = Float64Array.from(reports.flatMap((r) => [...r.latencies])).sort();
  const messages = sum((r) => r.received);
  const routerCpu = metric(after, 'process_cpu_seconds_total') - metric(before, 'process_cpu_seconds_total');
  console.log(
    JSON.stringify(
      {
        bench: 'subscriptions',
        machine: {
          cpus: cpus().length,
          model: cpus()[0]?.model,
          node: process.version,
          loadAverage: loadavg().map((l) => round(l)),
        },
        note:
          'events PUBLISHED DIRECTLY on the Redis pub/sub channels (docs/events.md contract), not by check-ins; ' +
          'subscribers are thin graphql-transport-ws clients in the bench process, on the same 2 cores as the router and Redis',
        query: QUERY,
        subscribers: SUBSCRIBERS,
        sockets: socketCount,
        venues: VENUES,
        events: {
          published,
          targetPerSecond: RATE,
          achievedPerSecond: round(published / publishSeconds, 0),
          receivedByRouter:
            metric(after, 'subscription_events_received_total{field="occupancyChanged"}') -
            (metric(before, 'subscription_events_received_total{field="occupancyChanged"}') || 0),
        },
        deliveries: {
          expected: sum((r) => r.expected),
          received: messages,
          missing: sum((r) => r.missing),
          outOfOrder: sum((r) => r.outOfOrder),
          perSecond: round(messages / deliverySeconds, 0),
        },
        latencyMs: {
          p50: round(quantile([...latencies], 0.5)),
          p99: round(quantile([...latencies], 0.99)),
          max: round(latencies.at(-1) ?? NaN),
        },
        router: {
          groups: metric(after, 'graphql_subscription_groups_active'),
          eventsDropped: metric(after, 'subscription_events_dropped'),
          // Sockets closed with 1013 for leaving more than WS_MAX_BUFFERED_BYTES unsent.
          socketsClosedSlow: metric(after, 'subscription_sockets_closed_slow_total'),
          cpuSeconds: round(routerCpu),
          // What each delivery costs the router, whatever CPU share the machine gave it: 1e6 / this
          // is how many deliveries one core could make per second.
          cpuMicrosPerDelivery: round((routerCpu * 1e6) / Math.max(1, messages), 1),
          rssMB: {
            idle: round(metric(idle, 'process_resident_memory_bytes') / 1e6, 1),
            subscribed: round(metric(before, 'process_resident_memory_bytes') / 1e6, 1),
            peak: round(peakRss / 1e6, 1),
          },
          // Of the subscribed RSS: the JavaScript heap in use and memory outside it (buffers).
          heapUsedMB: {
            idle: round(metric(idle, 'nodejs_heap_size_used_bytes') / 1e6, 1),
            subscribed: round(metric(before, 'nodejs_heap_size_used_bytes') / 1e6, 1),
            atPeak: round(peak.heap / 1e6, 1),
          },
          externalMB: {
            subscribed: round(metric(before, 'nodejs_external_memory_bytes') / 1e6, 1),
            atPeak: round(peak.external / 1e6, 1),
          },
        },
      },
      null,
      2,
    ),
  );
} finally {
  await Promise.all(workers.map((w) => w.terminate()));
  await stopAll(children);
  publisher.disconnect();
  await issuer.stop();
}
