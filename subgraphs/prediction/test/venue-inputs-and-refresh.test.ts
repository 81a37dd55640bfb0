// The prediction subgraph with what the router brings from the venue subgraph (@requires: time
// zone, capacity, opening hours, history, bookings), and the schedule that refreshes forecasts,
// against a real model server and Redis.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { encodeHourlySeries, encodeOpeningSpans, redisKeys } from '@sport-venue/shared';
import { createTestRedis, eventually } from '@sport-venue/shared/testing';
import { startPredictionSubgraph, type RunningPredictionSubgraph } from '../src/index.ts';
import { LEASE_KEY, WATCHED_KEY, inputKey } from '../src/forecast-refresher.ts';
import type { VenueRef } from '../src/venue-inputs.ts';
import { startTestModelServer, tempArtifactDir, writeTinyArtifact } from './support/model.ts';

const HOUR_MS = 3_600_000;
const TZ = 'Asia/Shanghai';
// 04:30 on a Wednesday in Shanghai: the gym below is closed now and opens at 07:00.
const NOW = new Date('2026-11-24T20:30:00Z');
const base = {
  NODE_ENV: 'test' as const,
  LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent',
  BIND_HOST: '127.0.0.1',
  PREDICTION_PORT: 0,
};

const QUERY = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Venue { id predictedNow forecast(hours: 48) { at expected low high level open } bestTimeToVisit { at expected open } }
  }
}`;

interface Point {
  at: string;
  expected: number;
  low: number;
  high: number;
  level: string;
  open: boolean;
}
interface Result {
  data?: {
    _entities: Array<{
      id: string;
      predictedNow: number | null;
      forecast: Point[] | null;
      bestTimeToVisit: Point | null;
    }>;
  };
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function query(app: RunningPredictionSubgraph, reps: VenueRef[]): Promise<Result> {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: QUERY,
      variables: { reps: reps.map((r) => ({ __typename: 'Venue', ...r })) },
    }),
  });
  return (await res.json()) as Result;
}

const localHour = (at: string | number) =>
  Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(
      new Date(at),
    ),
  );

/** A Shanghai gym open 07:00–22:00 every day, 20–60 people in the last two weeks while open. */
function shanghaiGym(id: string): VenueRef {
  const current = Math.floor(NOW.getTime() / HOUR_MS) * HOUR_MS;
  const hourlyOccupancy = Array.from({ length: 360 }, (_, i) => {
    const h = localHour(current - (360 - i) * HOUR_MS);
    return h >= 7 && h < 22 ? 20 + 40 * Math.sin(((h - 7) / 15) * Math.PI) : null;
  });
  return {
    id,
    timeZone: TZ,
    capacity: 120,
    forecastInputs: {
      currentHour: new Date(current).toISOString(),
      hourlyOccupancy: encodeHourlySeries(hourlyOccupancy),
      hourlyBookings: encodeHourlySeries(Array.from({ length: 168 }, (_, i) => (i === 3 ? 6 : 0))),
      openingSpans: encodeOpeningSpans(
        [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, openMinute: 7 * 60, closeMinute: 22 * 60 })),
      ),
    },
  };
}

describe('forecasts from the venue subgraph’s inputs, refreshed on a schedule', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let model: Awaited<ReturnType<typeof startTestModelServer>>;
  let replicas: RunningPredictionSubgraph[];
  let redis: Redis;

  before(async () => {
    artifacts = await tempArtifactDir();
    await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
    model = await startTestModelServer(artifacts.dir);
    const store = await createTestRedis();
    redis = new Redis(store.url);
    const settings = {
      ...base,
      REDIS_URL: store.url,
      PREDICTOR_URL: `127.0.0.1:${model.port}`,
      FORECAST_REFRESH_INTERVAL_MS: 60_000,
    };
    // Two replicas sharing Redis, timers off: the test runs the schedule's passes itself.
    replicas = await Promise.all([
      startPredictionSubgraph(settings, { background: false, now: () => NOW }),
      startPredictionSubgraph(settings, { background: false, now: () => NOW }),
    ]);
  });

  after(async () => {
    redis?.disconnect();
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await model?.stop();
    await artifacts?.remove();
  });

  it('forecasts nobody outside opening hours, in the venue’s own time zone, and picks the best time among open hours', async () => {
    const res = await query(replicas[0]!, [shanghaiGym('sh-1')]);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const venue = res.data!._entities[0]!;
    assert.equal(venue.forecast!.length, 48);
    for (const p of venue.forecast!) {
      const open = localHour(p.at) >= 7 && localHour(p.at) < 22;
      assert.equal(p.open, open, `${p.at} is ${localHour(p.at)}:00 in Shanghai`);
      if (!open) assert.deepEqual([p.expected, p.low, p.high, p.level], [0, 0, 0, 'NOT_BUSY']);
    }
    assert.ok(venue.forecast!.filter((p) => p.open).some((p) => p.expected > 0));
    assert.equal(venue.predictedNow, 0, 'closed at 04:30');
    assert.equal(venue.bestTimeToVisit?.open, true);
    const best = localHour(venue.bestTimeToVisit!.at);
    assert.ok(best >= 7 && best < 22, `best time ${best}:00 is within opening hours`);
  });

  it('remembers the venues people ask about, with their latest inputs', async () => {
    await query(replicas[1]!, [shanghaiGym('sh-2')]);
    await eventually(async () => ((await redis.get(inputKey('sh-2'))) ? true : null));
    const stored = JSON.parse((await redis.get(inputKey('sh-2')))!) as Record<string, unknown>;
    assert.equal(stored.timeZone, TZ);
    assert.equal(stored.region, 'CN');
    assert.ok((stored.history as unknown[]).length > 100);
    assert.notEqual(await redis.zscore(WATCHED_KEY, 'sh-2'), null);
  });

  it('one replica per interval re-forecasts every watched venue from its stored inputs', async () => {
    await eventually(async () => ((await redis.get(inputKey('sh-1'))) ? true : null));
    await redis.del(redisKeys.venuePredicted('sh-1'), redisKeys.venuePredicted('sh-2'), LEASE_KEY);
    const calls = model.calls.length;
    const runs = await Promise.all(replicas.map((r) => r.refresher.runOnce()));
    assert.deepEqual(runs.map((r) => r.leader).sort(), [false, true], 'exactly one replica holds the lease');
    const leader = runs.find((r) => r.leader)!;
    assert.deepEqual([leader.refreshed, leader.failed], [2, 0]);
    assert.equal(model.calls.length, calls + 1, 'both venues in one Forecast call');
    for (const id of ['sh-1', 'sh-2']) {
      const cached = JSON.parse((await redis.get(redisKeys.venuePredicted(id)))!) as {
        points: Array<{ at: string; closed?: boolean }>;
      };
      assert.ok(cached.points.length >= 24);
      assert.ok(
        cached.points.every((p) => (p.closed === true) === !(localHour(p.at) >= 7 && localHour(p.at) < 22)),
      );
    }
    // Within the interval the lease is taken: a second pass does nothing.
    assert.equal((await replicas[0]!.refresher.runOnce()).leader, false);
  });

  it('stops refreshing venues nobody asked for within the idle window', async () => {
    await redis.zadd(WATCHED_KEY, NOW.getTime() - 25 * HOUR_MS, 'forgotten');
    await redis.set(inputKey('forgotten'), JSON.stringify({ venueId: 'forgotten' }));
    await redis.del(LEASE_KEY);
    const run = await replicas[0]!.refresher.runOnce();
    assert.equal(run.refreshed, 2);
    assert.equal(await redis.zscore(WATCHED_KEY, 'forgotten'), null);
    assert.equal(await redis.get(redisKeys.venuePredicted('forgotten')), null);
  });
});
