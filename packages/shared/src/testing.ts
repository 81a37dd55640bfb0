// Helpers for integration tests against the real services that `infra/infra.sh up` starts.
// Every test file gets its own databases, Redis logical DB (or key prefix on a cluster) and Kafka
// topics so files can run in parallel against one set of servers.
import { randomBytes } from 'node:crypto';
import { localService } from './config.ts';
import { Redis } from 'ioredis';
import { parseRedisUrl } from './redis.ts';
import { dropDatabase, migrate, type DatabaseName } from './migrations.ts';

const env = process.env;

/** The services tests use: TEST_* overrides, else the local services `infra/infra.sh` runs. */
export const testServices = {
  // Without a database: tests append their own.
  mysqlUrl: env.TEST_MYSQL_URL ?? localService.mysql('').replace(/\/$/, ''),
  redisUrl: env.TEST_REDIS_URL ?? localService.redis(),
  /** `infra/redis-cluster.sh up` (scripts/test.sh starts it). */
  redisClusterUrl: env.TEST_REDIS_CLUSTER_URL ?? localService.redisCluster(),
  kafkaBrokers: (env.TEST_KAFKA_BROKERS ?? localService.kafka()).split(','),
  mongoUrl: env.TEST_MONGO_URL ?? localService.mongo('').replace(/\/$/, ''),
  opensearchUrl: env.TEST_OPENSEARCH_URL ?? localService.opensearch(),
};

export function uniqueId(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A fresh, migrated database named `sv_test_<name>_<unique>`; `drop()` removes it. */
export async function createTestDatabase(name: DatabaseName) {
  const database = `sv_test_${name}_${uniqueId('')}`;
  const url = `${testServices.mysqlUrl}/${database}`;
  await migrate(name, url);
  return {
    url,
    database,
    drop: () => dropDatabase(url, database),
  };
}

/**
 * A Redis URL on a logical database no other running test file uses (rotating through 1..N-1;
 * db 0 keeps the allocation counter). The database is flushed before use. A cluster has no
 * logical databases: there the URL carries a unique `keyPrefix` instead (createRedis honours it).
 */
export async function createTestRedis(
  baseUrl = testServices.redisUrl,
): Promise<{ url: string; db: number | null }> {
  if (parseRedisUrl(baseUrl).kind === 'cluster')
    return { url: `${baseUrl}?keyPrefix=${uniqueId('t')}:`, db: null };
  const control = new Redis(baseUrl, { maxRetriesPerRequest: 1 });
  try {
    const [, databases] = (await control.config('GET', 'databases')) as [string, string];
    const slots = Number(databases) - 1;
    const n = await control.incr('sv:test:next-db');
    const db = 1 + ((n - 1) % slots);
    const url = `${baseUrl}/${db}`;
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    await client.flushdb();
    client.disconnect();
    return { url, db };
  } finally {
    control.disconnect();
  }
}

export function testMongoUrl(label = 'test') {
  return `${testServices.mongoUrl}/sv_test_${label}_${uniqueId('')}`;
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
export * from './round-trips.ts';

/**
 * The value of one series in Prometheus text exposition (label order does not matter), or null
 * when the series is absent.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (got.size === wanted.length && wanted.every(([k, v]) => got.get(k) === v)) return Number(m[3]);
  }
  return null;
}
