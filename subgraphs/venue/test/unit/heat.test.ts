import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HEAT_HALF_LIFE_DAYS, heatValue, heatWeight } from '../../src/occupancy/heat.ts';

describe('heat decay', () => {
  it('halves a day’s contribution every 7 days', () => {
    const score = heatWeight('2026-12-01');
    assert.ok(Math.abs(heatValue(score, '2026-12-01') - 1) < 1e-12);
    assert.ok(Math.abs(heatValue(score, '2026-12-08') - 0.5) < 1e-12);
    assert.ok(Math.abs(heatValue(score, '2026-12-29') - 1 / 16) < 1e-12);
    assert.equal(HEAT_HALF_LIFE_DAYS, 7);
  });

  it('ranks by decayed value without rewriting old scores', () => {
    // A: 10 users three weeks ago; B: 2 users today. Decayed today: A = 1.25, B = 2.
    const a = 10 * heatWeight('2026-11-10');
    const b = 2 * heatWeight('2026-12-01');
    assert.ok(b > a);
    assert.ok(Math.abs(heatValue(a, '2026-12-01') - 1.25) < 1e-9);
  });

  it('stays finite for decades of growing weights', () => {
    assert.ok(Number.isFinite(heatWeight('2045-01-01') * 1e6));
  });
});
