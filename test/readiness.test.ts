// /ready turns unready when a store stops and ready again when it returns. Each case runs its own
// isolated server instance, so the shared services other test files use are never touched.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@sport-venue/shared/testing';
import { startIsolated } from '../infra/instance.ts';
import { startPredictionSubgraph } from '../subgraphs/prediction/src/index.ts';
import { startSocialSubgraph } from '../subgraphs/social/src/index.ts';

const base = { NODE_ENV: 'test' as const, LOG_LEVEL: 'silent' as const, BIND_HOST: '127.0.0.1' };
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function readiness(url: string) {
  const res = await fetch(`${url}/ready`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; checks: Record<string, string> },
  };
}

describe('readiness follows the stores', () => {
  it('prediction: unready while Redis is stopped, ready after it restarts', async () => {
    const redis = await startIsolated('redis');
    cleanups.push(() => redis.stop());
    const app = await startPredictionSubgraph({ ...base, PREDICTION_PORT: 0, REDIS_URL: redis.url });
    cleanups.push(() => app.stop());

    assert.equal((await readiness(app.url)).status, 200);
    await redis.stop();
    const down = await eventually(async () => {
      const r = await readiness(app.url);
      return r.status === 503 ? r : null;
    });
    assert.equal(down.body.status, 'unready');
    assert.match(down.body.checks.redis!, /^unavailable/);
    assert.equal((await fetch(`${app.url}/health`)).status, 200, 'liveness is independent of the stores');

    await redis.start();
    await eventually(async () => (await readiness(app.url)).status === 200, { timeoutMs: 15_000 });
  });

  it('social: unready while the MongoDB-wire server is stopped, ready after it restarts', async () => {
    const mongo = await startIsolated('ferretdb');
    cleanups.push(() => mongo.stop());
    const app = await startSocialSubgraph({ ...base, SOCIAL_PORT: 0, MONGO_URL: `${mongo.url}/sv_ready` });
    cleanups.push(() => app.stop());

    assert.equal((await readiness(app.url)).status, 200);
    await mongo.stop();
    const down = await eventually(async () => {
      const r = await readiness(app.url);
      return r.status === 503 ? r : null;
    });
    assert.match(down.body.checks.mongodb!, /^unavailable/);

    await mongo.start();
    await eventually(async () => (await readiness(app.url)).status === 200, { timeoutMs: 30_000 });
  });
});
