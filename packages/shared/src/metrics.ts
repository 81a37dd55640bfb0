// Prometheus metrics with prom-client. Every process (router, each subgraph) owns one registry
// with the default Node.js metrics (CPU, memory, event loop lag, GC, handles) and its own metrics,
// served on /metrics. One registry per service rather than prom-client's global one: tests run
// the whole graph in one Node process, and each service must still report only its own series.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kafka, Admin } from 'kafkajs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger.ts';

export { Counter, Gauge, Histogram, Registry };

/** Seconds: 1 ms … 10 s, enough resolution for a p99 alert at 1 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A registry with the default process and Node.js metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The HTTP route for /metrics (text exposition format 0.0.4). */
export function metricsRoute(registry: Registry) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(body);
  };
}

/** Rejects after `ms`: a scrape must never hang on a store that stopped answering. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A value a scrape reports without waiting for it to be read: each call returns the latest
 * finished reading and starts the next (one at a time); only the first call waits. Reading a
 * store inside the scrape made /metrics as slow as that store (seconds on a busy machine), past
 * Prometheus' scrape_timeout, which marks every series of the process stale. The value is at
 * most one scrape interval old. `read` must not throw (it reports failures in its value).
 */
export function latestReading<T>(read: () => Promise<T>): () => Promise<T> {
  let latest: { value: T } | undefined;
  let reading: Promise<void> | undefined;
  return async () => {
    const next = (reading ??= read()
      .then((value) => {
        latest = { value };
      })
      // A reading that failed after all (`read` should report failures in its value) keeps the
      // previous one; nobody may be awaiting this promise, so it must not reject.
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      }));
    if (!latest) await next;
    return latest!.value;
  };
}

export interface LaggingConsumer {
  groupId: string;
  topics: readonly string[];
}

/**
 * `kafka_consumer_lag{group,topic}`: messages in the topic not yet committed by the group (sum
 * over partitions; a partition the group never committed counts from its first offset), read
 * from the broker as the scrapes come (the previous scrape's reading), so a stuck consumer shows a
 * growing lag. Absent while Kafka is unreachable (the scrape itself still succeeds).
 */
export function registerConsumerLag(
  registry: Registry,
  kafka: Kafka,
  consumers: () => readonly LaggingConsumer[],
  logger?: Logger,
) {
  let admin: Admin | null = null;
  let connecting: Promise<Admin> | null = null;
  const connect = () =>
    (connecting ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      admin = a;
      return a;
    })().catch((err: unknown) => {
      connecting = null;
      throw err;
    }));

  const lagOf = async (a: Admin, groupId: string, topic: string) => {
    const [ends, committed] = await Promise.all([
      a.fetchTopicOffsets(topic),
      a.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const done = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
    );
    let lag = 0;
    for (const p of ends) {
      const at = done.get(p.partition) ?? -1;
      lag += Math.max(0, Number(p.high) - (at >= 0 ? at : Number(p.low)));
    }
    return lag;
  };

  // Read in the background of the scrapes (latestReading): up to 2 s per broker round trip.
  const lags = latestReading(async () => {
    const read: Array<{ group: string; topic: string; lag: number }> = [];
    try {
      const a = await within(connect(), 2_000, 'kafka admin connect');
      for (const { groupId, topics } of consumers())
        for (const topic of topics)
          read.push({ group: groupId, topic, lag: await within(lagOf(a, groupId, topic), 2_000, 'lag') });
      return read;
    } catch (err) {
      logger?.debug({ err: (err as Error).message }, 'consumer lag unavailable');
      const a = admin;
      admin = null;
      connecting = null;
      await a?.disconnect().catch(() => undefined);
      return [];
    }
  });

  const gauge = new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Messages not yet processed by a consumer group, per topic',
    labelNames: ['group', 'topic'],
    registers: [registry],
    async collect() {
      const read = await lags();
      this.reset();
      for (const { group, topic, lag } of read) this.set({ group, topic }, lag);
    },
  });
  return {
    gauge,
    async close() {
      const a = admin ?? (connecting ? await connecting.catch(() => null) : null);
      admin = null;
      connecting = null;
      await a?.disconnect().catch(() => undefined);
    },
  };
}
