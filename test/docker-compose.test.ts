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
    assert.match(images.mysql!, /^mysql:8/);
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
    for (const name of ['mysql', 'redis', 'kafka', 'mongo'])
      assert.ok(compose.services[name]?.healthcheck, `${name} has a health check`);
  });

  it('publishes ports on loopback only', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? [])
        assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port}`);
    }
  });
});
