import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertLevel, compareBusyness, percentOf } from '../src/lib/alert.ts';

test('alert level turns amber at 80 % and red at 90 % of capacity', () => {
  assert.equal(alertLevel(percentOf(79, 100)), 'normal');
  assert.equal(alertLevel(percentOf(80, 100)), 'warning');
  assert.equal(alertLevel(percentOf(89, 100)), 'warning');
  assert.equal(alertLevel(percentOf(90, 100)), 'critical');
  assert.equal(alertLevel(percentOf(130, 100)), 'critical');
});

test('a venue without capacity has no alert level', () => {
  assert.equal(percentOf(12, null), null);
  assert.equal(percentOf(12, 0), null);
  assert.equal(alertLevel(null), 'unknown');
});

test('percent rounds like the gauge shows it (159 of 200 is 80 %)', () => {
  assert.equal(percentOf(159, 200), 80);
  assert.equal(alertLevel(percentOf(159, 200)), 'warning');
});

test('venues sort busiest first: share of capacity, then level, then headcount', () => {
  const venues = [
    { name: 'a', currentCount: 10, capacity: 100, occupancyLevel: 'NOT_BUSY' },
    { name: 'b', currentCount: 45, capacity: 50, occupancyLevel: 'VERY_BUSY' },
    { name: 'c', currentCount: 30, capacity: null, occupancyLevel: 'BUSY' },
    { name: 'd', currentCount: 40, capacity: null, occupancyLevel: 'BUSY' },
    { name: 'e', currentCount: 1, capacity: null, occupancyLevel: null },
  ];
  assert.deepEqual(
    [...venues].sort(compareBusyness).map((v) => v.name),
    ['b', 'a', 'd', 'c', 'e'],
  );
});
