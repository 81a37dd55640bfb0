// Without Kafka only points lag: login and reads keep working, readiness stays green, and the
// process still stops promptly while its consumer keeps trying to connect.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../../infra/instance.ts';
import { codeOf, startUserForTest } from './support.ts';

describe('user subgraph while Kafka is unreachable', () => {
  it('logs users in, reports ready and stops promptly', async () => {
    const t = await startUserForTest({
      POINTS_CONSUMER_ENABLED: 'true',
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
    });
    try {
      const login = await t.graphql(`mutation { loginWithWeChat(code: "test-offline") { user { id } } }`);
      assert.equal(login.errors, undefined, JSON.stringify(login.errors));
      assert.equal(
        codeOf(await t.graphql(`mutation { loginWithWeChat(code: "test-invalid") { user { id } } }`)),
        'INVALID_WECHAT_CODE',
      );
      const ready = await fetch(`${t.app.url}/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(((await ready.json()) as { checks: Record<string, string> }).checks, {
        mariadb: 'ok',
        redis: 'ok',
      });
    } finally {
      const started = Date.now();
      await t.stop();
      assert.ok(Date.now() - started < 5_000, `stopped after ${Date.now() - started} ms`);
    }
  });
});
