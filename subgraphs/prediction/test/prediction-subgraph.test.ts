// The prediction subgraph against a real model server (gRPC) and Redis: batching, caching, and
// what a GraphQL client sees while the predictor is down.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { redisKeys } from '@sport-venue/shared';
import { createTestRedis, eventually } from '@sport-venue/shared/testing';
import { startPredictionSubgraph, type RunningPredictionSubgraph } from '../src/index.ts';
import { writeForecast } from '../src/forecast-cache.ts';
import {
  FIXTURE,
  KNOWN_VENUE,
  startTestModelServer,
  tempArtifactDir,
  writeTinyArtifact,
} from './support/model.ts';

const base = {
  NODE_ENV: 'test' as const,
  LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent',
  BIND_HOST: '127.0.0.1',
};

const ENTITIES = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Venue { id predictedNow forecast(hours: 6) { at expected low high level } bestTimeToVisit { at expected level } }
  }
}`;
const FORECAST_ONLY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { id forecast(hours: 6) { at expected } } } }`;

interface Result {
  data?: { _entities: Array<Record<string, unknown> | null> };
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

async function query(app: RunningPredictionSubgraph, q: string, venueIds: string[]): Promise<Result> {
  const reps = venueIds.map((id) => ({ __typename: 'Venue', id, timeZone: 'Europe/Zurich' }));
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: q, variables: { reps } }),
  });
  return (await res.json()) as Result;
}

const HOUR_MS = 3_600_000;
const currentHour = (at = Date.now()) => Math.floor(at / HOUR_MS) * HOUR_MS;

describe('prediction subgraph with the model server', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let model: Awaited<ReturnType<typeof startTestModelServer>>;
  let app: RunningPredictionSubgraph;
  let redis: Redis;

  before(async () => {
    artifacts = await tempArtifactDir();
    await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
    model = await startTestModelServer(artifacts.dir);
    const store = await createTestRedis();
    redis = new Redis(store.url);
    app = await startPredictionSubgraph({
      ...base,
      PREDICTION_PORT: 0,
      REDIS_URL: store.url,
      PREDICTOR_URL: `127.0.0.1:${model.port}`,
      FORECAST_CACHE_TTL_S: 900,
    });
  });

  after(async () => {
    redis?.disconnect();
    await app?.stop();
    await model?.stop();
    await artifacts?.remove();
  });

  it('answers every venue of a request with one Forecast call, then from the Redis cache', async () => {
    const venues = [KNOWN_VENUE, '1001', '1002'];
    // The hour and the venue's date may turn while the query runs: either side's is right.
    const askedAt = Date.now();
    const first = await query(app, ENTITIES, venues);
    const answeredAt = Date.now();
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.deepEqual(model.calls, [{ venues: 3, outcome: 'ok' }]);
    for (const venue of first.data!._entities) {
      const points = venue!.forecast as Array<{ at: string; expected: number; low: number; high: number }>;
      assert.equal(points.length, 6);
      assert.ok(
        [currentHour(askedAt), currentHour(answeredAt)].includes(Date.parse(points[0]!.at)),
        'starts at the current hour',
      );
      assert.ok(points.every((p) => Number.isInteger(p.expected) && p.low <= p.high));
      assert.equal(venue!.predictedNow, points[0]!.expected);
      const best = venue!.bestTimeToVisit as { at: string; expected: number } | null;
      if (best) {
        const zurichDate = (at: number) =>
          new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Zurich' }).format(at);
        assert.ok(
          [zurichDate(askedAt), zurichDate(answeredAt)].includes(zurichDate(Date.parse(best.at))),
          'an hour of today in the venue time zone',
        );
      }
    }

    const cached = JSON.parse((await redis.get(redisKeys.venuePredicted('1001')))!) as {
      modelVersion: string;
      points: unknown[];
    };
    assert.equal(cached.modelVersion, 'v1');
    assert.ok(cached.points.length >= 24);
    const ttl = await redis.ttl(redisKeys.venuePredicted('1001'));
    assert.ok(ttl > 0 && ttl <= 900, `ttl ${ttl}`);

    const second = await query(app, FORECAST_ONLY, venues);
    assert.equal(second.errors, undefined);
    assert.deepEqual(
      second.data!._entities,
      first.data!._entities.map((v) => ({
        id: v!.id,
        forecast: (v!.forecast as Array<{ at: string; expected: number }>).map(({ at, expected }) => ({
          at,
          expected,
        })),
      })),
    );
    assert.equal(model.calls.length, 1, 'served from the cache');
  });

  it('rejects an out-of-range hours argument as BAD_USER_INPUT without calling the predictor', async () => {
    const calls = model.calls.length;
    const res = await query(
      app,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { forecast(hours: 500) { at } } } }`,
      ['1003'],
    );
    assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(model.calls.length, calls);
  });
});

describe('prediction subgraph while the predictor is down', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let model: Awaited<ReturnType<typeof startTestModelServer>> | undefined;
  let app: RunningPredictionSubgraph;
  let redis: Redis;
  let port: number;
  const COOLDOWN_MS = 300;

  before(async () => {
    artifacts = await tempArtifactDir();
    await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
    // Find a port a predictor can come back on, then take the predictor away.
    const first = await startTestModelServer(artifacts.dir);
    port = first.port;
    await first.stop();
    const store = await createTestRedis();
    redis = new Redis(store.url);
    app = await startPredictionSubgraph({
      ...base,
      PREDICTION_PORT: 0,
      REDIS_URL: store.url,
      PREDICTOR_URL: `127.0.0.1:${port}`,
      PREDICTOR_DEADLINE_MS: 500,
      PREDICTOR_BREAKER_FAILURES: 2,
      PREDICTOR_BREAKER_COOLDOWN_MS: COOLDOWN_MS,
    });
  });

  after(async () => {
    redis?.disconnect();
    await app?.stop();
    await model?.stop();
    await artifacts?.remove();
  });

  it('nulls only the forecast fields, with PREDICTION_UNAVAILABLE, and keeps cached venues', async () => {
    const hour = currentHour();
    await writeForecast(
      redis,
      'cached',
      {
        // Just made: an older one would be due for a background call (a second predictor failure).
        generatedAt: new Date().toISOString(),
        // One hour more than asked: the hour may turn before the query reads it.
        points: Array.from({ length: 7 }, (_, h) => ({
          at: new Date(hour + h * HOUR_MS).toISOString(),
          expected: 10 + h,
          low: 5,
          high: 20,
          level: 'A_LITTLE_BUSY',
        })),
      },
      60,
    );
    const res = await query(app, FORECAST_ONLY, ['cached', 'uncached']);
    assert.deepEqual(
      res.data!._entities.map((v) => [v!.id, (v!.forecast as unknown[] | null)?.length ?? null]),
      [
        ['cached', 6],
        ['uncached', null],
      ],
    );
    assert.equal(res.errors?.length, 1);
    const [error] = res.errors!;
    assert.equal(error!.extensions?.code, 'PREDICTION_UNAVAILABLE');
    assert.deepEqual(error!.path, ['_entities', 1, 'forecast']);
    assert.equal(error!.extensions?.stacktrace, undefined);
    assert.equal(app.breaker.state, 'closed', 'one failure is below the threshold');
  });

  it('opens the breaker so further requests do not call the predictor, and recovers after the cool-down', async () => {
    const failed = await query(app, FORECAST_ONLY, ['uncached']);
    assert.equal(failed.errors?.[0]?.extensions?.code, 'PREDICTION_UNAVAILABLE');
    assert.equal(app.breaker.state, 'open');

    model = await startTestModelServer(artifacts.dir, { port });
    const whileOpen = await query(app, FORECAST_ONLY, ['uncached']);
    assert.equal(whileOpen.errors?.[0]?.extensions?.code, 'PREDICTION_UNAVAILABLE');
    assert.equal(model.calls.length, 0, 'no gRPC call while the circuit is open');

    // After the cool-down one trial call goes through; grpc-js may need a moment to reconnect.
    const recovered = await eventually(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS));
        const res = await query(app, FORECAST_ONLY, ['uncached']);
        return res.errors === undefined ? res : null;
      },
      { timeoutMs: 8_000, intervalMs: 10 },
    );
    assert.equal((recovered.data!._entities[0]!.forecast as unknown[]).length, 6);
    assert.equal(app.breaker.state, 'closed');
    assert.ok(model.calls.length >= 1);
  });
});

describe('prediction subgraph before the first model artifact', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let model: Awaited<ReturnType<typeof startTestModelServer>>;
  let app: RunningPredictionSubgraph;
  let redis: Redis;

  before(async () => {
    artifacts = await tempArtifactDir();
    model = await startTestModelServer(artifacts.dir, { reloadMs: 50, baselineData: FIXTURE });
    const store = await createTestRedis();
    redis = new Redis(store.url);
    app = await startPredictionSubgraph({
      ...base,
      PREDICTION_PORT: 0,
      REDIS_URL: store.url,
      PREDICTOR_URL: `127.0.0.1:${model.port}`,
      FORECAST_CACHE_TTL_S: 900,
    });
  });

  after(async () => {
    redis?.disconnect();
    await app?.stop();
    await model?.stop();
    await artifacts?.remove();
  });

  it('serves baseline forecasts marked BASELINE and caches them briefly, then the model’s', async () => {
    const q = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { id forecast(hours: 6) { at expected basis } } } }`;
    const first = await eventually(
      async () => {
        const res = await query(app, q, [KNOWN_VENUE]);
        return res.errors ? undefined : res;
      },
      { timeoutMs: 30_000 },
    );
    const points = first.data!._entities[0]!.forecast as Array<{ basis: string }>;
    assert.equal(points.length, 6);
    assert.ok(points.every((p) => p.basis === 'BASELINE'));
    const ttl = await redis.ttl(redisKeys.venuePredicted(KNOWN_VENUE));
    assert.ok(ttl > 0 && ttl <= 60, `baseline cached ${ttl} s`);

    await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
    await eventually(() => model.holder.version === 'v1', { timeoutMs: 10_000 });
    await redis.del(redisKeys.venuePredicted(KNOWN_VENUE)); // as the 60 s expiry would
    const later = await query(app, q, [KNOWN_VENUE]);
    const modelled = later.data!._entities[0]!.forecast as Array<{ basis: string }>;
    assert.ok(modelled.every((p) => p.basis === 'MODEL'));
    assert.ok((await redis.ttl(redisKeys.venuePredicted(KNOWN_VENUE))) > 60);
  });
});
