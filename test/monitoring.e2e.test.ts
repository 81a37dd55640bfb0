// Monitoring of the running graph: a real Prometheus (Debian package, isolated instance) scrapes
// every process of a test graph and loads the alert rules; every metric the Grafana dashboards
// and the alert rules query is one the processes really export.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { eventually } from '@sport-venue/shared/testing';
import { startIsolated, type IsolatedInstance } from '../infra/instance.ts';
import { startGraph, type Graph } from './support/graph.ts';

const root = new URL('../', import.meta.url);
let graph: Graph;
let prometheus: IsolatedInstance;

const processes = () => ({
  router: graph.router.url,
  user: graph.user.url,
  venue: graph.venue.url,
  social: graph.social.url,
  prediction: graph.prediction.url,
});

before(async () => {
  graph = await startGraph();
  prometheus = await startIsolated('prometheus', { deferStart: true });
  prometheus.env.PROMETHEUS_SCRAPE_INTERVAL = '1s';
  // File service discovery, as infra.sh configures it: this graph's processes, one target each.
  const targets = Object.entries(processes()).map(([service, url]) => ({
    targets: [new URL(url).host],
    labels: { service, graph: 'monitoring-test' },
  }));
  const dir = path.join(prometheus.stateDir, 'prometheus', 'targets');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'npm-start.json'), '[]\n'); // not `npm start`'s ports
  await writeFile(path.join(dir, 'graph.json'), JSON.stringify(targets));
  await prometheus.start();
});
after(async () => {
  await prometheus?.destroy();
  await graph?.stop();
});

const api = async <T>(pathAndQuery: string): Promise<T> => {
  const res = await fetch(`${prometheus.url}/api/v1/${pathAndQuery}`);
  const body = (await res.json()) as { status: string; data: T };
  assert.equal(body.status, 'success');
  return body.data;
};

/** Names a process exports, from `# TYPE` lines (histograms also as _bucket, _sum, _count). */
async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>(['up']); // Prometheus adds `up` for every target
  for (const url of Object.values(processes())) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(name!);
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name! + s);
      if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name! + s);
    }
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/** Metric names a PromQL expression selects (not functions, labels, strings or durations). */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  for (const m of bare.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const after = bare.slice(m.index! + m[0].length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}

interface RuleGroup {
  rules: Array<{ record?: string; alert?: string; expr: string }>;
}
const alertRules = async () =>
  (
    parse(await readFile(new URL('infra/prometheus/alerts.yml', root), 'utf8')) as { groups: RuleGroup[] }
  ).groups.flatMap((g) => g.rules);

describe('monitoring', () => {
  it('Prometheus scrapes every process of the running graph', async () => {
    type Target = { labels: Record<string, string>; health: string; lastError: string };
    const up = await eventually(
      async () => {
        const { activeTargets } = await api<{ activeTargets: Target[] }>('targets?state=active');
        const ours = activeTargets.filter((t) => t.labels.graph === 'monitoring-test');
        return ours.length === 5 && ours.every((t) => t.health === 'up') ? ours : null;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.deepEqual(up.map((t) => t.labels.service).sort(), [
      'prediction',
      'router',
      'social',
      'user',
      'venue',
    ]);
    // The scraped data is queryable: every process is ready and exports the Node.js metrics.
    // Ready at some scrape, not at the first: a process's readiness probes its stores (the
    // router's, every subgraph's /ready within 1 s), which a starved machine can miss for a while.
    let seen: unknown;
    const ready = await eventually(
      async () => {
        const r = await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
          `query?query=${encodeURIComponent('service_ready{graph="monitoring-test"}')}`,
        );
        seen = r.result;
        return r.result.length === 5 && r.result.every((s) => s.value[1] === '1') ? r.result : null;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(seen)}`);
    });
    assert.deepEqual(ready.map((s) => s.metric.service).sort(), [
      'prediction',
      'router',
      'social',
      'user',
      'venue',
    ]);
    // Read from the broker between scrapes (latestReading): present from a later scrape on.
    const lag = await eventually(
      async () => {
        const r = await api<{ result: Array<{ metric: Record<string, string> }> }>(
          `query?query=${encodeURIComponent('kafka_consumer_lag{graph="monitoring-test"}')}`,
        );
        return r.result.length > 0 ? r.result : null;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.ok(lag.some((s) => s.metric.service === 'user' && s.metric.topic === graph.topics.checkinEvents));
  });

  it('loads the alert rules, and they evaluate without errors', async () => {
    const data = await eventually(
      async () => {
        const d = await api<{
          groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }>;
        }>('rules');
        const rules = d.groups.flatMap((g) => g.rules);
        return rules.length > 0 && rules.every((r) => r.health === 'ok') ? d : null;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const alerts = data.groups.flatMap((g) => g.rules.map((r) => r.name));
    for (const name of [
      'RouterErrorRatioHigh',
      'RouterLatencyP99High',
      'KafkaConsumerLagHigh',
      'OutboxBacklogOld',
      'ProcessNotReady',
      'ProcessDown',
    ])
      assert.ok(alerts.includes(name), `${name} is loaded`);
  });

  it('every dashboard panel and alert rule queries metrics the processes export', async () => {
    // A little traffic first: nothing in this check depends on it, but it shows real series exist.
    await graph.graphql('query Cities { cities { code } }');
    const exported = await exportedNames();
    const rules = await alertRules();
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    const missing: string[] = [];
    const dir = new URL('docker/grafana/dashboards/', root);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 4, 'traffic, check-ins, points pipeline, subscriptions');
    let panels = 0;
    for (const file of files) {
      const dashboard = JSON.parse(await readFile(new URL(file, dir), 'utf8')) as {
        panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
      };
      for (const panel of dashboard.panels) {
        assert.ok(panel.targets?.length, `${file}: "${panel.title}" has a query`);
        panels++;
        for (const { expr } of panel.targets!)
          for (const name of metricNamesIn(expr))
            if (!exported.has(name) && !recorded.has(name)) missing.push(`${file} "${panel.title}": ${name}`);
      }
    }
    for (const rule of rules)
      for (const name of metricNamesIn(rule.expr))
        if (!exported.has(name) && !recorded.has(name))
          missing.push(`alerts.yml ${rule.alert ?? rule.record}: ${name}`);
    assert.deepEqual(missing, []);
    assert.ok(panels >= 20);
  });

  it('finds metric names in PromQL, not functions, labels or durations', () => {
    assert.deepEqual(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, operation) (rate(graphql_operation_duration_seconds_bucket{type=~"query|mutation"}[5m])))',
      ),
      ['graphql_operation_duration_seconds_bucket'],
    );
    assert.deepEqual(metricNamesIn('router:server_errors:rate5m / router:operations:rate5m > 0.05'), [
      'router:server_errors:rate5m',
      'router:operations:rate5m',
    ]);
    assert.deepEqual(metricNamesIn('up{job="sport-venue"} == 0 and on (instance) service_ready'), [
      'up',
      'service_ready',
    ]);
  });
});
