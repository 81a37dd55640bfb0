// docker-compose.yml is valid Compose (against the Compose Specification JSON schema, vendored
// from compose-spec/compose-go, Apache-2.0) and describes the stack we promise. The real CLI
// check is `npm run compose-file:check` (runs `docker compose config`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { image?: string; build?: { dockerfile: string }; healthcheck?: unknown; ports?: string[] }
  >;
};

describe('docker-compose.yml', () => {
  it('conforms to the Compose Specification schema', () => {
    const schema = JSON.parse(readFileSync(new URL('docker/compose-spec.json', root), 'utf8'));
    delete schema.$schema;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
  });

  it('runs the stores on official images', () => {
    const images = Object.fromEntries(Object.entries(compose.services).map(([name, s]) => [name, s.image]));
    // The Spider front and its shards (docs/decisions/0021): the official image has the plugin.
    for (const name of ['mysql', 'mysql-shard0', 'mysql-shard1'])
      assert.match(images[name]!, /^mariadb:10\.11/);
    assert.match(images.redis!, /^redis:7/);
    assert.match(images.mongo!, /^mongo:7/);
    assert.match(images.kafka!, /^apache\/kafka:3\.9/);
  });

  it('builds the router and every subgraph from its own Dockerfile, each with a health check', () => {
    for (const name of ['router', 'user', 'venue', 'social', 'prediction']) {
      const service = compose.services[name];
      assert.ok(service?.build, `${name} is built`);
      assert.ok(existsSync(new URL(service.build.dockerfile, root)), `${service.build.dockerfile} exists`);
      assert.match(readFileSync(new URL(service.build.dockerfile, root), 'utf8'), /HEALTHCHECK/);
    }
    for (const name of ['mysql', 'mysql-shard0', 'mysql-shard1', 'redis', 'kafka', 'mongo'])
      assert.ok(compose.services[name]?.healthcheck, `${name} has a health check`);
  });

  it('publishes ports on loopback only', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? [])
        assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port}`);
    }
  });
});

describe('docker-compose.yml monitoring and search', () => {
  const services = compose.services as Record<
    string,
    {
      image?: string;
      volumes?: string[];
      environment?: Record<string, string>;
      logging?: { driver: string; options: Record<string, string> };
    }
  >;
  const mounts = (name: string) =>
    (services[name]?.volumes ?? []).map((v) => v.split(':')).filter(([from]) => from!.startsWith('./'));

  it('runs OpenSearch, Prometheus and Grafana on official images', () => {
    assert.match(services.opensearch!.image!, /^opensearchproject\/opensearch:2\./);
    assert.match(services['opensearch-dashboards']!.image!, /^opensearchproject\/opensearch-dashboards:2\./);
    assert.match(services.prometheus!.image!, /^prom\/prometheus:/);
    assert.match(services.grafana!.image!, /^grafana\/grafana:/);
    assert.equal(services.venue!.environment!.OPENSEARCH_URL, 'http://opensearch:9200');
  });

  it('mounts files that exist: alert rules, scrape config, Grafana provisioning and dashboards', () => {
    for (const name of ['prometheus', 'grafana', 'fluent-bit', 'dashboards-init'])
      for (const [from] of mounts(name))
        assert.ok(existsSync(new URL(from!, root)), `${name} mounts ${from}`);
    assert.ok(mounts('prometheus').some(([from]) => from === './infra/prometheus/alerts.yml'));
    assert.ok(mounts('grafana').some(([from]) => from === './docker/grafana/dashboards'));
  });

  it('scrapes every Node process of the stack (the model server on its metrics port)', () => {
    const config = parse(readFileSync(new URL('docker/prometheus/prometheus.yml', root), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs
      .find((c) => c.job_name === 'sport-venue')!
      .static_configs.flatMap((c) => c.targets);
    assert.deepEqual(targets.sort(), [
      'model-server:9464',
      'prediction:4004',
      'router:4000',
      'social:4003',
      'user:4001',
      'venue:4002',
    ]);
  });

  it('ships every Node service log to OpenSearch through Fluent Bit', () => {
    for (const name of ['router', 'user', 'venue', 'social', 'prediction', 'model-server', 'wechat-fake']) {
      const logging = services[name]!.logging;
      assert.equal(logging?.driver, 'fluentd', `${name} ships its logs`);
      assert.equal(logging?.options['fluentd-address'], '127.0.0.1:24224');
    }
    const conf = readFileSync(new URL('docker/fluent-bit/fluent-bit.conf', root), 'utf8');
    assert.match(conf, /Name\s+opensearch[\s\S]*Host\s+opensearch/);
    assert.match(conf, /Logstash_Prefix\s+sv-logs/);
  });

  it('imports a saved search for one trace across services', () => {
    const objects = readFileSync(new URL('docker/opensearch-dashboards/saved-objects.ndjson', root), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; id: string; attributes: Record<string, unknown> });
    const pattern = objects.find((o) => o.type === 'index-pattern');
    assert.equal(pattern?.attributes.title, 'sv-logs-*');
    const trace = objects.find((o) => o.id === 'sv-one-trace');
    const source = JSON.parse(
      (trace!.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON,
    ) as { query: { query: string } };
    assert.match(source.query.query, /^traceId:/);
    assert.deepEqual(trace!.attributes.columns, ['service', 'level', 'msg', 'requestId', 'traceId']);
  });
});
