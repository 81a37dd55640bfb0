// Cached forecasts are replaced before they stop answering, in the background (decision 0033):
// the prediction subgraph on a clock the test moves, against a real model server and Redis.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { redisKeys } from '@sport-venue/shared';
import { createTestRedis } from '@sport-venue/shared/testing';
import { startPredictionSubgraph, type RunningPredictionSubgraph } from '../src/index.ts';
import type { PredictionSettings } from '../src/config.ts';
import { writeForecast, type CachedForecast } from '../src/forecast-cache.ts';
import { RETRY_AFTER_MS } from '../src/forecast-revalidation.ts';
import { startTestModelServer, tempArtifactDir, writeTinyArtifact } from './support/model.ts';

const base = {
  NODE_ENV: 'test' as const,
  LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent',
  BIND_HOST: '127.0.0.1',
};
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY = Date.parse('2026-03-10T00:00:00Z');
const at = (hour: number, minute = 0) => new Date(DAY + hour * HOUR_MS + minute * MINUTE_MS);

const FORECAST_24 = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { id forecast(hours: 24) { at expected } } } }`;

interface Result {
  data?: { _entities: Array<{ id: string; forecast: Array<{ at: string; expected: number }> | null }> };
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function forecast24(app: RunningPredictionSubgraph, venueIds: string[]): Promise<Result> {
  const reps = venueIds.map((id) => ({ __typename: 'Venue', id, timeZone: 'Europe/Zurich' }));
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: FORECAST_24, variables: { reps } }),
  });
  return (await res.json()) as Result;
}

/** Asserts an answer without errors whose every venue has 24 points from the hour of `now`. */
function assertAnswered(res: Result, now: Date) {
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  for (const venue of res.data!._entities) {
    assert.equal(venue.forecast?.length, 24);
    assert.equal(Date.parse(venue.forecast[0]!.at), hour);
  }
}

async function cachedAt(redis: Redis, venueId: string): Promise<string | undefined> {
  const text = await redis.get(redisKeys.venuePredicted(venueId));
  return text ? (JSON.parse(text) as CachedForecast).generatedAt : undefined;
}

/** A model server on a tiny artifact, a Redis and the prediction subgraph on the test's clock. */
async function startStack(env: Partial<PredictionSettings>, now: () => Date) {
  const artifacts = await tempArtifactDir();
  await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
  const model = await startTestModelServer(artifacts.dir);
  const store = await createTestRedis();
  const redis = new Redis(store.url);
  const app = await startPredictionSubgraph(
    {
      ...base,
      PREDICTION_PORT: 0,
      REDIS_URL: store.url,
      PREDICTOR_URL: `127.0.0.1:${model.port}`,
      FORECAST_CACHE_TTL_S: 900,
      FORECAST_FETCH_HOURS: 24,
      ...env,
    },
    { now, background: false },
  );
  return { artifacts, model, redis, app };
}

describe('forecasts replaced in the background before they stop answering', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let model: Awaited<ReturnType<typeof startTestModelServer>>;
  let app: RunningPredictionSubgraph;
  let redis: Redis;
  let now = at(10, 50);

  before(async () => {
    ({ artifacts, model, redis, app } = await startStack({}, () => now));
  });

  after(async () => {
    redis?.disconnect();
    await app?.stop();
    await model?.stop();
    await artifacts?.remove();
  });

  it('after the hour turns, answers from the forecast made before it and re-forecasts its venues once in the background', async () => {
    now = at(10, 50);
    assertAnswered(await forecast24(app, ['turn-1', 'turn-2']), now);
    assert.equal(model.calls.length, 1);
    assert.equal(await cachedAt(redis, 'turn-1'), now.toISOString());

    now = at(11, 5);
    const answers = await Promise.all([1, 2, 3].map(() => forecast24(app, ['turn-1', 'turn-2'])));
    for (const res of answers) assertAnswered(res, now);
    await app.revalidation.idle();
    assert.deepEqual(
      model.calls.slice(1).map((c) => c.venues),
      [2],
      'one background call for both venues, not one per request',
    );
    assert.equal(await cachedAt(redis, 'turn-1'), now.toISOString());
    assert.equal(await cachedAt(redis, 'turn-2'), now.toISOString());

    assertAnswered(await forecast24(app, ['turn-1', 'turn-2']), now);
    await app.revalidation.idle();
    assert.equal(model.calls.length, 2, 'the replacement is not due');
  });

  it('re-forecasts in the background a forecast older than half its cache lifetime, not a younger one', async () => {
    now = at(14, 5);
    assertAnswered(await forecast24(app, ['aged']), now);
    const calls = model.calls.length;

    now = at(14, 10); // 5 min: a third of the 15-minute lifetime
    assertAnswered(await forecast24(app, ['aged']), now);
    await app.revalidation.idle();
    assert.equal(model.calls.length, calls);
    assert.equal(await cachedAt(redis, 'aged'), at(14, 5).toISOString());

    now = at(14, 13); // 8 min: more than half of it
    assertAnswered(await forecast24(app, ['aged']), now);
    await app.revalidation.idle();
    assert.equal(model.calls.length, calls + 1);
    assert.equal(await cachedAt(redis, 'aged'), now.toISOString());
  });
});

describe('forecasts made before the hour turned, while the predictor is down', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let model: Awaited<ReturnType<typeof startTestModelServer>> | undefined;
  let app: RunningPredictionSubgraph;
  let redis: Redis;
  let now = at(10, 50);

  before(async () => {
    ({ artifacts, model, redis, app } = await startStack(
      {
        PREDICTOR_DEADLINE_MS: 500,
        // The first test's background call fails once; the second counts on from there.
        PREDICTOR_BREAKER_FAILURES: 3,
        PREDICTOR_BREAKER_COOLDOWN_MS: 3_600_000,
      },
      () => now,
    ));
  });

  after(async () => {
    redis?.disconnect();
    await app?.stop();
    await model?.stop();
    await artifacts?.remove();
  });

  it('still answers a 24-hour window after the hour turns without the predictor', async () => {
    now = at(10, 50);
    assertAnswered(await forecast24(app, ['ahead']), now);
    await model!.stop();
    model = undefined;

    now = at(11, 5);
    assertAnswered(await forecast24(app, ['ahead']), now);
    await app.revalidation.idle();
  });

  it('does not try a venue whose background call failed again on every request', async () => {
    now = at(12, 5);
    const made = at(11, 50).getTime();
    const points = Array.from({ length: 25 }, (_, h) => ({
      at: new Date(Math.floor(made / HOUR_MS) * HOUR_MS + h * HOUR_MS).toISOString(),
      expected: 10 + h,
      low: 5,
      high: 20,
      level: 'A_LITTLE_BUSY',
    }));
    await writeForecast(redis, 'retry', { generatedAt: new Date(made).toISOString(), points }, 900);
    assert.equal(app.breaker.state, 'closed');

    for (let i = 0; i < 3; i++) {
      assertAnswered(await forecast24(app, ['retry']), now);
      await app.revalidation.idle();
    }
    assert.equal(app.breaker.state, 'closed', 'one failed call here (two in all), below the threshold of 3');

    now = new Date(now.getTime() + RETRY_AFTER_MS);
    assertAnswered(await forecast24(app, ['retry']), now);
    await app.revalidation.idle();
    assert.equal(app.breaker.state, 'open', 'tried again after RETRY_AFTER_MS: the third failure');
  });
});
