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

export interface LaggingConsumer {
  groupId: string;
  topics: readonly string[];
}

/**
 * `kafka_consumer_lag{group,topic}`: messages in the topic not yet committed by the group (sum
 * over partitions; a partition the group never committed counts from its first offset), read
 * from the broker at scrape time, so a stuck consumer shows a growing lag. Absent while Kafka is
 * unreachable (the scrape itself still succeeds).
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

  const gauge = new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Messages not yet processed by a consumer group, per topic',
    labelNames: ['group', 'topic'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const a = await within(connect(), 2_000, 'kafka admin connect');
        for (const { groupId, topics } of consumers())
          for (const topic of topics)
            this.set({ group: groupId, topic }, await within(lagOf(a, groupId, topic), 2_000, 'lag'));
      } catch (err) {
        logger?.debug({ err: (err as Error).message }, 'consumer lag unavailable');
        const a = admin;
        admin = null;
        connecting = null;
        await a?.disconnect().catch(() => undefined);
      }
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
