// No N+1 in the prediction subgraph: 20 venues with every forecast field cost the same Redis round
// trips as 2, counted on the subgraph's own Redis connection, when their forecasts are cached (no
// model server runs here: a venue missing from the cache would fail with PREDICTION_UNAVAILABLE).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { countRedisRoundTrips, createTestRedis, type RoundTripCounter } from '@sport-venue/shared/testing';
import { writeForecasts, type CachedForecast } from '../src/forecast-cache.ts';
import { startPredictionSubgraph, type RunningPredictionSubgraph } from '../src/index.ts';

const N = 20;
const HOUR_MS = 3_600_000;
const ids = Array.from({ length: N }, (_, i) => String(8_000 + i));

let app: RunningPredictionSubgraph;
let seed: Redis;
let trips: RoundTripCounter;

const QUERY = `query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Venue { id predictedNow forecast(hours: 24) { at expected } bestTimeToVisit { at expected } }
} }`;

before(async () => {
  const store = await createTestRedis();
  seed = new Redis(store.url);
  const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const forecasts = new Map<string, CachedForecast>(
    ids.map((id, i) => [
      id,
      {
        generatedAt: new Date(hour).toISOString(),
        points: Array.from({ length: 48 }, (_, h) => ({
          at: new Date(hour + h * HOUR_MS).toISOString(),
          expected: i + h,
          low: 0,
          high: 100,
          level: 'BUSY',
        })),
      },
    ]),
  );
  await writeForecasts(seed, forecasts, 3_600);
  app = await startPredictionSubgraph({
    NODE_ENV: 'test',
    LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent',
    BIND_HOST: '127.0.0.1',
    PREDICTION_PORT: 0,
    REDIS_URL: store.url,
    // Nothing listens there: every answer must come from the cache.
    PREDICTOR_URL: '127.0.0.1:9',
  });
  trips = countRedisRoundTrips(app.redis);
});
after(async () => {
  seed?.disconnect();
  await app?.stop();
});

async function tripsOf(n: number) {
  // Representations as the router sends them, with the fields @requires named.
  const reps = ids.slice(0, n).map((id) => ({ __typename: 'Venue', id, timeZone: 'Asia/Shanghai' }));
  trips.reset();
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { reps } }),
  });
  const body = (await res.json()) as {
    data?: { _entities: Array<{ id: string; forecast: Array<{ expected: number }> }> };
    errors?: unknown;
  };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return { venues: body.data!._entities, trips: trips.count() };
}

describe('store round trips of forecast lists', () => {
  it('20 venues with every forecast field cost what 2 cost', async () => {
    await tripsOf(N); // the refresh schedule's first note of each venue is not per-request work
    const few = await tripsOf(2);
    const many = await tripsOf(N);
    assert.ok(few.trips > 0, 'the counter sees the cache reads');
    assert.equal(many.trips, few.trips, `${N} venues cost what 2 cost`);
    for (const [i, venue] of many.venues.entries()) {
      assert.equal(venue.id, ids[i]);
      assert.equal(venue.forecast.length, 24);
      assert.equal(venue.forecast[0]!.expected, i, "each venue gets its own forecast, not a neighbour's");
    }
  });
});
