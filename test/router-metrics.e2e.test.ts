// Scenario: the router exposes Prometheus metrics for operations, subgraph fetches and live data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { eventually, metricValue } from '@sport-venue/shared/testing';
import { startGraph, type Graph } from './support/graph.ts';
import { subscribe, wsClient } from './support/ws-client.ts';

describe('router metrics', () => {
  let graph: Graph;
  before(async () => {
    graph = await startGraph();
  });
  after(async () => {
    await graph?.stop();
  });

  const scrape = async () => {
    const res = await fetch(`${graph.router.url}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('counts operations by name and outcome, and times subgraph fetches', async () => {
    await graph.graphql('query Cities { cities { code } }');
    await graph.graphql('query Broken { venues(first: 1000) { edges { cursor } } }');
    const text = await scrape();
    const ops = (labels: Record<string, string>) => metricValue(text, 'graphql_operations_total', labels);
    assert.ok(ops({ operation: 'Cities', outcome: 'ok', type: 'query' })! >= 1);
    assert.ok(ops({ operation: 'Broken', outcome: 'BAD_USER_INPUT', type: 'query' })! >= 1);
    assert.ok(
      metricValue(text, 'graphql_operation_duration_seconds_count', {
        operation: 'Cities',
        type: 'query',
      })! >= 1,
    );
    assert.ok(metricValue(text, 'subgraph_fetch_duration_seconds_count', { subgraph: 'venue' })! >= 2);
    // Default Node.js metrics (prom-client).
    assert.ok(metricValue(text, 'process_resident_memory_bytes')! > 0);
    assert.ok(metricValue(text, 'nodejs_eventloop_lag_seconds')! >= 0);
  });

  it('reports sockets, subscriptions, events in and results out', async () => {
    const redis = new Redis(graph.redisUrl);
    const { client } = wsClient(graph.router.url);
    const subs = [1, 2, 3].map(() =>
      subscribe(client, 'subscription { occupancyChanged(venueId: "9") { currentCount } }'),
    );
    await eventually(
      () => graph.router.hub.stats().subscribers === 3 && graph.router.hub.stats().listening === 1,
    );
    const live = await scrape();
    assert.equal(metricValue(live, 'graphql_subscriptions_active'), 3);
    assert.equal(metricValue(live, 'graphql_subscription_groups_active'), 1);
    assert.equal(metricValue(live, 'graphql_ws_sockets_active'), 1);
    const all = Promise.all(subs.map((s) => s.next()));
    await redis.publish(
      `${graph.pubsubPrefix}occupancy:9`,
      JSON.stringify({ v: 1, venueId: '9', currentCount: 4, at: new Date().toISOString() }),
    );
    await all;
    const after = await scrape();
    assert.equal(metricValue(after, 'subscription_events_received_total', { field: 'occupancyChanged' }), 1);
    assert.equal(metricValue(after, 'subscription_results_delivered_total'), 3);
    assert.equal(metricValue(after, 'subscription_fanout_size_count'), 1);
    subs.forEach((s) => s.stop());
    await client.dispose();
    redis.disconnect();
  });
});
