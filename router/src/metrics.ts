// What the router reports on /metrics: operations by name and outcome, latency, subgraph fetch
// latency, sockets and subscriptions, events in, results out and fan-out size.
import type { ApolloServerPlugin } from '@apollo/server';
import { MetricsRegistry } from '@sport-venue/shared';
import type { RouterContext } from './gateway.ts';

export function createRouterMetrics() {
  const registry = new MetricsRegistry();
  const metrics = {
    registry,
    operations: registry.counter('graphql_operations_total', 'GraphQL operations by name, type and outcome'),
    operationSeconds: registry.histogram(
      'graphql_operation_duration_seconds',
      'Operation latency at the router',
    ),
    subgraphSeconds: registry.histogram(
      'subgraph_fetch_duration_seconds',
      'Latency of fetches to each subgraph',
    ),
    fetchesMerged: registry.counter(
      'subgraph_fetches_merged_total',
      'Subgraph fetches answered by an identical one already in flight (SUBGRAPH_FETCH_DEDUP)',
    ),
    eventsIn: registry.counter(
      'subscription_events_received_total',
      'Pub/sub events received, by root field',
    ),
    resultsOut: registry.counter('subscription_results_delivered_total', 'Results pushed to subscribers'),
    fanout: registry.histogram(
      'subscription_fanout_size',
      'Subscribers served by one execution',
      [1, 2, 5, 10, 50, 100, 500, 1000, 5000],
    ),
  };
  return metrics;
}

/** Gauges read at scrape time from the live objects. */
export function observeLive(
  metrics: RouterMetrics,
  live: {
    sockets: () => number;
    subscriptions: () => { subscribers: number; groups: number; dropped: number };
  },
) {
  metrics.registry.gauge('graphql_ws_sockets_active', 'Open graphql-ws sockets', live.sockets);
  metrics.registry.gauge(
    'graphql_subscriptions_active',
    'Active subscriptions',
    () => live.subscriptions().subscribers,
  );
  metrics.registry.gauge(
    'graphql_subscription_groups_active',
    'Distinct (selection, variables, scope) groups',
    () => live.subscriptions().groups,
  );
  metrics.registry.gauge(
    'subscription_events_dropped',
    'Events dropped since start because their group had too many waiting (a starved executor)',
    () => live.subscriptions().dropped,
  );
}

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;

/** Counts every HTTP/WebSocket operation once, with its outcome (ok, error or the error code). */
export function metricsPlugin(metrics: RouterMetrics): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.internal) return {}; // the router's own subscription fetches
      const started = performance.now();
      let name = 'anonymous';
      let type = 'unknown';
      return {
        async didResolveOperation({ operationName, operation }) {
          name = operationName ?? 'anonymous';
          type = operation?.operation ?? 'unknown';
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const outcome = errors?.length ? String(errors[0]?.extensions?.code ?? 'error') : 'ok';
          metrics.operations.inc({ operation: name, type, outcome });
          metrics.operationSeconds.observe((performance.now() - started) / 1000, { type });
        },
      };
    },
  };
}
