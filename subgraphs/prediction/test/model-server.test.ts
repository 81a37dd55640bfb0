// The model server over real gRPC on an ephemeral port, with a tiny artifact trained at start.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { eventually, metricValue } from '@sport-venue/shared/testing';
import { PredictorClient, PredictorError } from '../src/predictor-client.ts';
import {
  FIXTURE,
  KNOWN_VENUE,
  startTestModelServer,
  tempArtifactDir,
  writeTinyArtifact,
} from './support/model.ts';

const isCode = (code: grpc.status) => (err: unknown) => err instanceof PredictorError && err.code === code;

describe('model server', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let server: Awaited<ReturnType<typeof startTestModelServer>>;
  let client: PredictorClient;

  before(async () => {
    artifacts = await tempArtifactDir();
    // Starts before any artifact exists, like a fresh deployment.
    server = await startTestModelServer(artifacts.dir, { reloadMs: 50 });
    client = new PredictorClient(`127.0.0.1:${server.port}`, 5_000);
  });

  after(async () => {
    client?.close();
    await server?.stop();
    await artifacts?.remove();
  });

  it('is NOT_SERVING and answers UNAVAILABLE until an artifact appears, then SERVING', async () => {
    assert.equal(await client.health(), 'NOT_SERVING');
    assert.equal(await client.health('sportvenue.prediction.v1.Predictor'), 'NOT_SERVING');
    await assert.rejects(client.health('some.other.Service'), isCode(grpc.status.NOT_FOUND));
    await assert.rejects(
      client.forecast({ venues: [{ venueId: 'a' }], horizonHours: 6 }),
      isCode(grpc.status.UNAVAILABLE),
    );
    await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
    await eventually(async () => (await client.health()) === 'SERVING', { timeoutMs: 5_000 });
  });

  it('forecasts two venues for six hours in one call', async () => {
    const before = server.calls.length;
    const res = await client.forecast({
      venues: [{ venueId: KNOWN_VENUE }, { venueId: '42', capacity: 200 }],
      startTime: '2026-11-24T09:15:00Z',
      horizonHours: 6,
    });
    assert.equal(server.calls.length - before, 1);
    assert.equal(res.modelVersion, 'v1');
    // The gRPC server's own /metrics (HTTP, another port) counts the call.
    const text = await (await fetch(`${server.metricsUrl}/metrics`)).text();
    assert.ok(metricValue(text, 'model_forecasts_total', { outcome: 'ok' })! >= 1);
    assert.ok(metricValue(text, 'model_forecasts_total', { outcome: 'unavailable' })! >= 1);
    assert.equal(metricValue(text, 'model_artifact_loaded'), 1);
    assert.deepEqual(
      res.forecasts.map((f) => [f.venueId, f.knownVenue ?? false, f.points.length]),
      [
        [KNOWN_VENUE, true, 6],
        ['42', false, 6],
      ],
    );
    for (const f of res.forecasts) {
      assert.deepEqual(
        f.points.map((p) => p.at),
        [9, 10, 11, 12, 13, 14].map((h) => `2026-11-24T${String(h).padStart(2, '0')}:00:00.000Z`),
      );
      for (const p of f.points) {
        assert.ok(Number.isFinite(p.expected ?? 0));
        assert.ok((p.low ?? 0) <= (p.high ?? 0));
        assert.match(p.level, /^(NOT_BUSY|A_LITTLE_BUSY|BUSY|VERY_BUSY)$/);
      }
    }
  });

  it('answers INVALID_ARGUMENT for a bad horizon or too many venues', async () => {
    await assert.rejects(
      client.forecast({ venues: [{ venueId: 'a' }], horizonHours: 169 }),
      (err: unknown) => isCode(grpc.status.INVALID_ARGUMENT)(err) && /horizon_hours/.test(String(err)),
    );
    await assert.rejects(
      client.forecast({ venues: [{ venueId: 'a' }], horizonHours: 0 }),
      isCode(grpc.status.INVALID_ARGUMENT),
    );
    await assert.rejects(
      client.forecast({
        venues: Array.from({ length: 101 }, (_, i) => ({ venueId: `v${i}` })),
        horizonHours: 6,
      }),
      (err: unknown) => isCode(grpc.status.INVALID_ARGUMENT)(err) && /at most 100/.test(String(err)),
    );
  });

  it('gives up on a call whose deadline passed instead of finishing it', async () => {
    const before = server.calls.length;
    const big = { venues: Array.from({ length: 100 }, (_, i) => ({ venueId: `v${i}` })), horizonHours: 168 };
    await assert.rejects(client.forecast(big, 20), isCode(grpc.status.DEADLINE_EXCEEDED));
    const outcome = await eventually(() => server.calls.slice(before).find((c) => c.venues === 100)?.outcome);
    assert.ok(outcome === 'deadline' || outcome === 'cancelled', `server outcome ${outcome}`);
  });

  it('hot-reloads a newer artifact version', async () => {
    await writeTinyArtifact(artifacts.dir, 'v2', new Date('2026-02-01T00:00:00Z'));
    const version = await eventually(
      async () => {
        const res = await client.forecast({ venues: [{ venueId: 'a' }], horizonHours: 1 });
        return res.modelVersion === 'v2' && res.modelVersion;
      },
      { timeoutMs: 5_000 },
    );
    assert.equal(version, 'v2');
    assert.equal(server.holder.version, 'v2');
  });
});

describe('model server before the first artifact, with baseline data', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let server: Awaited<ReturnType<typeof startTestModelServer>>;
  let client: PredictorClient;

  before(async () => {
    artifacts = await tempArtifactDir();
    server = await startTestModelServer(artifacts.dir, { reloadMs: 50, baselineData: FIXTURE });
    client = new PredictorClient(`127.0.0.1:${server.port}`, 5_000);
  });

  after(async () => {
    client?.close();
    await server?.stop();
    await artifacts?.remove();
  });

  it('serves baseline forecasts marked BASELINE, then the model (MODEL) once an artifact appears', async () => {
    await eventually(async () => (await client.health()) === 'SERVING', { timeoutMs: 30_000 });
    const request = {
      venues: [
        { venueId: KNOWN_VENUE },
        {
          venueId: 'new-in-shanghai',
          timeZone: 'Asia/Shanghai',
          capacity: 80,
          sport: 'badminton',
          openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
            weekday,
            openMinute: 480,
            closeMinute: 1260,
          })),
        },
      ],
      // Tuesday 10:00 in Zürich, 17:00 in Shanghai.
      startTime: '2025-11-04T09:00:00Z',
      horizonHours: 24,
    };
    const baseline = await client.forecast(request);
    assert.equal(baseline.modelVersion, 'baseline');
    assert.deepEqual(
      baseline.forecasts.map((f) => [f.basis, f.knownVenue ?? false]),
      [
        ['BASELINE', true],
        ['BASELINE', false],
      ],
    );
    const gym = baseline.forecasts[0]!.points;
    assert.ok((gym[0]!.expected ?? 0) > 5, `a known gym at 10:00 has people: ${gym[0]!.expected}`);
    for (const p of gym) assert.ok((p.low ?? 0) <= (p.expected ?? 0) && (p.expected ?? 0) <= (p.high ?? 0));
    // Shanghai 08:00–21:00 open: UTC 00:00–13:00; closed hours are exact zeros.
    for (const p of baseline.forecasts[1]!.points) {
      const shanghaiHour = (new Date(p.at).getUTCHours() + 8) % 24;
      if (shanghaiHour < 8 || shanghaiHour >= 21) {
        assert.equal(p.closed, true, p.at);
        assert.equal(p.expected ?? 0, 0, p.at);
      } else assert.ok((p.expected ?? 0) > 0, `open at ${shanghaiHour}:00 Shanghai`);
    }

    await writeTinyArtifact(artifacts.dir, 'v1', new Date('2026-01-01T00:00:00Z'));
    const modelled = await eventually(
      async () => {
        const res = await client.forecast(request);
        return res.modelVersion === 'v1' ? res : undefined;
      },
      { timeoutMs: 10_000 },
    );
    assert.deepEqual(
      modelled.forecasts.map((f) => f.basis),
      ['MODEL', 'MODEL'],
    );
  });
});
