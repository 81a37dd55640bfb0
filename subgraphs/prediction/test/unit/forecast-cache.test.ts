import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectedAt, forecastWindow, type CachedForecast } from '../../src/forecast-cache.ts';

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

describe('forecast window from the cache', () => {
  it('returns the hours from the current one on, or null when the cache does not cover them', () => {
    const now = new Date('2026-11-24T08:30:00Z');
    assert.deepEqual(
      forecastWindow(forecast, now, 2)?.map((p) => p.expected),
      [41.6, 12.2],
    );
    assert.equal(forecastWindow(forecast, now, 3), null);
    assert.equal(forecastWindow(forecast, new Date('2026-11-24T07:59:00Z'), 1), null);
    assert.equal(forecastWindow(null, now, 1), null);
  });

  it('reads entries written before modelVersion existed', () => {
    const old = JSON.parse(JSON.stringify(forecast)) as CachedForecast;
    assert.equal(old.modelVersion, undefined);
    assert.equal(forecastWindow(old, new Date('2026-11-24T09:10:00Z'), 1)?.[0]?.level, 'NOT_BUSY');
  });
});
