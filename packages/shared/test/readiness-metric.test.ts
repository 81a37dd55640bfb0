// `service_ready` on /metrics: a scrape never waits for the store probes (a slow one would make
// the scrape outlast Prometheus' scrape_timeout and every series of the process go stale); it
// reports the latest finished evaluation and starts the next.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { registerReadiness } from '../src/http.ts';
import { latestReading } from '../src/metrics.ts';

const readyValue = async (registry: Registry) =>
  (await registry.getSingleMetric('service_ready')!.get()).values[0]?.value;

describe('the service_ready metric', () => {
  it('answers a scrape from the last finished evaluation while a probe hangs, then reports the failure', async () => {
    const registry = new Registry();
    let probe: () => Promise<unknown> = async () => 'PONG';
    registerReadiness(registry, { store: () => probe() });
    assert.equal(await readyValue(registry), 1, 'the first scrape waits for the first evaluation');

    let fail!: (err: Error) => void;
    const hanging = new Promise((_, reject) => (fail = reject));
    probe = () => hanging;
    // Answered while the probe is still pending: a scrape that waited could only say 0 (it would
    // have had to wait for the probe's 1.5 s deadline).
    assert.equal(await readyValue(registry), 1);
    fail(new Error('connection refused'));
    await hanging.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await readyValue(registry), 0, 'the failed probe shows on the next scrape');
    const checks = (await registry.getSingleMetric('service_ready_check')!.get()).values;
    assert.deepEqual(
      checks.map((v) => [v.labels.check, v.value]),
      [['store', 0]],
    );
  });

  it('keeps the last reading when a later one rejects, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      let read: () => Promise<number> = async () => 1;
      const reading = latestReading(() => read());
      assert.equal(await reading(), 1);
      read = async () => {
        throw new Error('store gone');
      };
      assert.equal(await reading(), 1, 'answered from the last reading; the next one starts');
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(await reading(), 1, 'the failed reading left the last one in place');
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
