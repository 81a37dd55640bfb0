// The alert rules load in Prometheus (promtool check) and fire exactly when their unit tests say
// (promtool test rules infra/prometheus/alerts.test.yml): error ratio, p99 latency, consumer
// lag, outbox age, readiness and scrape failures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dir = new URL('../infra/prometheus/', import.meta.url).pathname;

describe('Prometheus alert rules', () => {
  it('are valid Prometheus rules', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: dir });
    assert.match(stdout, /SUCCESS: \d+ rules found/);
  });

  it('pass their promtool unit tests', async () => {
    const result = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: dir }).catch(
      (err: { stdout?: string; stderr?: string }) => {
        assert.fail(`promtool test rules failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      },
    );
    assert.match(result.stdout, /SUCCESS/);
  });
});
