import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, CircuitOpenError } from '../../src/circuit-breaker.ts';

function breaker(failureThreshold = 3, cooldownMs = 1_000) {
  let now = 0;
  const b = new CircuitBreaker({ failureThreshold, cooldownMs, now: () => now });
  return { b, advance: (ms: number) => (now += ms) };
}
const fail = () => Promise.reject(new Error('down'));
const ok = () => Promise.resolve('ok');

describe('circuit breaker', () => {
  it('stays closed below the failure threshold and a success resets the count', async () => {
    const { b } = breaker(3);
    await assert.rejects(b.run(fail), /down/);
    await assert.rejects(b.run(fail), /down/);
    assert.equal(await b.run(ok), 'ok');
    await assert.rejects(b.run(fail), /down/);
    await assert.rejects(b.run(fail), /down/);
    assert.equal(b.state, 'closed');
  });

  it('opens after N consecutive failures and then rejects without calling', async () => {
    const { b } = breaker(2);
    await assert.rejects(b.run(fail));
    await assert.rejects(b.run(fail));
    assert.equal(b.state, 'open');
    let called = false;
    await assert.rejects(
      b.run(async () => {
        called = true;
      }),
      CircuitOpenError,
    );
    assert.equal(called, false);
  });

  it('lets one trial call through after the cool-down and closes when it succeeds', async () => {
    const { b, advance } = breaker(1, 1_000);
    await assert.rejects(b.run(fail));
    advance(999);
    assert.equal(b.state, 'open');
    advance(1);
    assert.equal(b.state, 'half-open');
    let release!: () => void;
    const trial = b.run(() => new Promise<string>((resolve) => (release = () => resolve('trial'))));
    await assert.rejects(b.run(ok), CircuitOpenError, 'only one trial at a time');
    release();
    assert.equal(await trial, 'trial');
    assert.equal(b.state, 'closed');
  });

  it('reopens for a fresh cool-down when the trial call fails', async () => {
    const { b, advance } = breaker(3, 1_000);
    for (let i = 0; i < 3; i++) await assert.rejects(b.run(fail));
    advance(1_000);
    await assert.rejects(b.run(fail), /down/);
    assert.equal(b.state, 'open');
    advance(500);
    await assert.rejects(b.run(ok), CircuitOpenError);
  });

  it('ignores errors that isFailure says are not the dependency’s fault', async () => {
    const { b } = breaker(1);
    await assert.rejects(
      b.run(fail, () => false),
      /down/,
    );
    assert.equal(b.state, 'closed');
  });
});
