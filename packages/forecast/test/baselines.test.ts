import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HourGrid } from '../src/grid.ts';
import { computeProfile } from '../src/profile.ts';
import { hourOfWeekForecast, lastWeekForecast } from '../src/baselines.ts';

const TZ = 'Europe/Zurich';

test('hour-of-week baseline is the training mean per local hour-of-week; empty cells are filled from neighbours', () => {
  // 3 weeks from Monday 2025-06-02 00:00 local
  const grid = new HourGrid(TZ, Date.parse('2025-06-01T22:00:00Z'), 3 * 168);
  const values = new Float64Array(grid.length).fill(Number.NaN);
  for (let w = 0; w < 3; w++) {
    values[w * 168 + 10] = 10 * (w + 1); // Monday 10:00 → 10, 20, 30
    if (w < 2) values[w * 168 + 12] = 50; // Monday 12:00 in weeks 0 and 1
  }
  const p = computeProfile(values, grid);
  assert.equal(p.mean[10], 20);
  assert.equal(p.count[10], 3);
  assert.equal(p.mean[12], 50);
  assert.equal(p.mean[11], 35); // filled: mean of the neighbours 10:00 and 12:00
  assert.equal(p.count[11], 0);
  assert.equal(p.mean[100], 0); // far from any data: closed
  assert.equal(p.scale, 50);
  assert.equal(hourOfWeekForecast(p.mean, grid, 2 * 168 + 10), 20);
  // training range restriction
  assert.equal(computeProfile(values, grid, 0, 168).mean[10], 10);
});

test('same-hour-last-week baseline uses the value a week before, known at the origin, else the hour-of-week mean', () => {
  const grid = new HourGrid(TZ, Date.parse('2025-06-01T22:00:00Z'), 3 * 168);
  const history = new Float64Array(grid.length).fill(Number.NaN);
  history[168 + 18] = 77; // Monday 18:00 of week 1
  const values = new Float64Array(grid.length).fill(Number.NaN);
  values[18] = 40;
  values[168 + 18] = 60;
  const p = computeProfile(values, grid, 0, 2 * 168);
  const target = 2 * 168 + 18; // Monday 18:00 of week 2
  assert.equal(lastWeekForecast(history, p.mean, grid, target, target), 77);
  assert.equal(lastWeekForecast(history, p.mean, grid, target, target - 23), 77);
  // no value last week → hour-of-week mean
  assert.equal(lastWeekForecast(history, p.mean, grid, target + 1, target), p.mean[19]);
  // a week-old hour not yet ended at the origin is not used
  assert.equal(lastWeekForecast(history, p.mean, grid, target, 168 + 18), 50);
});
