// What the router reports on /metrics (prom-client): operations by name, type and outcome,
// latency per operation, subgraph fetch latency, sockets and subscriptions, events in, results
// out and fan-out size, plus the default Node.js process metrics.
import type { GraphQLResponse } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import { Counter, createMetricsRegistry, Gauge, Histogram, LATENCY_BUCKETS } from '@sport-venue/shared';

/** Operation names come from clients: past this many distinct names, new ones count as "other". */
const MAX_OPERATION_NAMES = 500;

export function createRouterMetrics() {
  const registry = createMetricsRegistry();
  const registers = [registry];
  const names = new Set<string>();
  return {
    registry,
    /** A bounded label value for a client-chosen operation name. */
    operationLabel(name: string | null | undefined): string {
      const n = name || 'anonymous';
      if (names.has(n)) return n;
      if (names.size >= MAX_OPERATION_NAMES) return 'other';
      names.add(n);
      return n;
    },
    operations: new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations by name, type and outcome (ok or the first error code)',
      labelNames: ['operation', 'type', 'outcome'],
      registers,
    }),
    operationSeconds: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Operation latency at the router',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    subgraphSeconds: new Histogram({
      name: 'subgraph_fetch_duration_seconds',
      help: 'Latency of fetches to each subgraph',
      labelNames: ['subgraph'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    fetchesMerged: new Counter({
      name: 'subgraph_fetches_merged_total',
      help: 'Subgraph fetches answered by an identical one already in flight (SUBGRAPH_FETCH_DEDUP)',
      labelNames: ['subgraph'],
      registers,
    }),
    directFetches: new Counter({
      name: 'router_direct_fetches_total',
      help: 'Operations whose one fetch the router sent itself (direct-fetch.ts): answered, or replayed through the gateway',
      labelNames: ['outcome'],
      registers,
    }),
    eventsIn: new Counter({
      name: 'subscription_events_received_total',
      help: 'Pub/sub events received, by root field',
      labelNames: ['field'],
      registers,
    }),
    resultsOut: new Counter({
      name: 'subscription_results_delivered_total',
      help: 'Results pushed to subscribers',
      registers,
    }),
    slowConsumers: new Counter({
      name: 'subscription_sockets_closed_slow_total',
      help: 'WebSockets closed with 1013 because their client left too many messages unsent',
      registers,
    }),
    fanout: new Histogram({
      name: 'subscription_fanout_size',
      help: 'Subscribers served by one execution',
      buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000],
      registers,
    }),
  };
}

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;

/** Gauges read at scrape time from the live objects. */
export function observeLive(
  metrics: RouterMetrics,
  live: {
    sockets: () => number;
    subscriptions: () => { subscribers: number; groups: number; dropped: number };
  },
) {
  const registers = [metrics.registry];
  new Gauge({
    name: 'graphql_ws_sockets_active',
    help: 'Open graphql-ws sockets',
    registers,
    collect() {
      this.set(live.sockets());
    },
  });
  new Gauge({
    name: 'graphql_subscriptions_active',
    help: 'Active subscriptions',
    registers,
    collect() {
      this.set(live.subscriptions().subscribers);
    },
  });
  new Gauge({
    name: 'graphql_subscription_groups_active',
    help: 'Distinct (selection, variables, scope) groups',
    registers,
    collect() {
      this.set(live.subscriptions().groups);
    },
  });
  new Gauge({
    name: 'subscription_events_dropped',
    help: 'Events dropped since start because their group had too many waiting (a starved executor)',
    registers,
    collect() {
      this.set(live.subscriptions().dropped);
    },
  });
}

/**
 * Counts one HTTP/WebSocket operation once, with its outcome (ok, error or the error code), and
 * its latency from its start; called by the router's request plugin (index.ts).
 */
export function operationMeter(metrics: RouterMetrics) {
  const started = performance.now();
  let name = 'anonymous';
  let type = 'unknown';
  const finish = (outcome: string) => {
    metrics.operations.inc({ operation: name, type, outcome });
    metrics.operationSeconds.observe({ operation: name, type }, (performance.now() - started) / 1000);
  };
  return {
    resolved(operationName: string | null, operation: OperationDefinitionNode | undefined) {
      name = metrics.operationLabel(operationName);
      type = operation?.operation ?? 'unknown';
    },
    sent(response: GraphQLResponse) {
      const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
      finish(errors?.length ? String(errors[0]?.extensions?.code ?? 'error') : 'ok');
    },
    /** A result without errors, answered without Apollo (direct-fetch.ts). */
    sentOk: () => finish('ok'),
  };
}
