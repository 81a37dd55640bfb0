import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AHEAD_HOURS, fetchHorizon, isDue } from '../../src/forecast-revalidation.ts';
import type { CachedForecast } from '../../src/forecast-cache.ts';

const madeAt = (iso: string): CachedForecast => ({ generatedAt: iso, points: [] });

describe('when a cached forecast is replaced in the background', () => {
  it('is due once the hour it was made in has passed', () => {
    const forecast = madeAt('2026-03-10T10:59:00.000Z');
    assert.equal(isDue(forecast, new Date('2026-03-10T10:59:59Z'), 900), false);
    assert.equal(isDue(forecast, new Date('2026-03-10T11:00:00Z'), 900), true);
  });

  it('is due at half its cache lifetime', () => {
    const forecast = madeAt('2026-03-10T10:00:00.000Z');
    assert.equal(isDue(forecast, new Date('2026-03-10T10:07:29Z'), 900), false);
    assert.equal(isDue(forecast, new Date('2026-03-10T10:07:30Z'), 900), true);
    assert.equal(isDue(forecast, new Date('2026-03-10T10:00:30Z'), 60), true, 'a baseline lives 60 s');
  });

  it('is due when it does not say when it was made', () => {
    assert.equal(isDue(madeAt(''), new Date('2026-03-10T10:00:00Z'), 900), true);
  });

  it('fetches the hours ahead beyond the window and the configured minimum, up to the longest horizon', () => {
    assert.equal(fetchHorizon(24, 6), 24 + AHEAD_HOURS);
    assert.equal(fetchHorizon(24, 48), 48 + AHEAD_HOURS);
    assert.equal(fetchHorizon(24, 168), 168);
  });
});
