import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccuracy, assertIdempotencyKey, sessionExpiry } from '../../src/presence/check-in-rules.ts';

const start = new Date('2026-12-01T10:00:00+08:00');
const plus = (min: number) => new Date(start.getTime() + min * 60_000);

describe('automatic check-out time', () => {
  it('comes after the venue’s typical stay', () => {
    assert.deepEqual(sessionExpiry(start, 90, 240, null), plus(90));
  });

  it('never later than the hard cap', () => {
    assert.deepEqual(sessionExpiry(start, 600, 240, null), plus(240));
  });

  it('comes at closing time when the venue closes first', () => {
    assert.deepEqual(sessionExpiry(start, 90, 240, plus(30)), plus(30));
    assert.deepEqual(sessionExpiry(start, 90, 240, plus(300)), plus(90));
  });
});

describe('check-in input', () => {
  it('accepts idempotency keys of 8–64 safe characters only', () => {
    assertIdempotencyKey('tap-2026-12-01:0001');
    for (const bad of ['short', 'x'.repeat(65), 'has space 1234', '中文中文中文中文'])
      assert.throws(() => assertIdempotencyKey(bad), /idempotencyKey/);
  });

  it('refuses a negative or non-finite accuracy', () => {
    assertAccuracy(0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => assertAccuracy(bad), /accuracyM/);
  });
});
