import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectedAt, type CachedForecast } from '../../src/forecast-cache.ts';

const forecast: CachedForecast = {
  generatedAt: '2026-11-24T08:00:00.000Z',
  points: [
    { at: '2026-11-24T08:00:00.000Z', expected: 41.6, low: 30, high: 50, level: 'BUSY' },
    { at: '2026-11-24T09:00:00.000Z', expected: 12.2, low: 5, high: 20, level: 'NOT_BUSY' },
  ],
};

describe('predictedNow from the cached forecast', () => {
  it('picks the point of the hour that contains now', () => {
    assert.equal(expectedAt(forecast, new Date('2026-11-24T08:59:59Z')), 42);
    assert.equal(expectedAt(forecast, new Date('2026-11-24T09:00:00Z')), 12);
  });

  it('is null outside the forecast or without one', () => {
    assert.equal(expectedAt(forecast, new Date('2026-11-24T10:00:00Z')), null);
    assert.equal(expectedAt(null, new Date()), null);
  });
});
