// The model server with an artifact trained with weather: it asks an Open-Meteo-compatible API
// (the local fake) about each venue's surroundings, and forecasts without weather when that fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeOpenMeteo, type FakeOpenMeteo } from '@sport-venue/forecast';
import { PredictorClient } from '../src/predictor-client.ts';
import { KNOWN_VENUE, startTestModelServer, tempArtifactDir, writeTinyArtifact } from './support/model.ts';

const ZURICH = { latitude: 47.37, longitude: 8.54 };

describe('model server with weather', () => {
  let artifacts: Awaited<ReturnType<typeof tempArtifactDir>>;
  let weather: FakeOpenMeteo;
  let server: Awaited<ReturnType<typeof startTestModelServer>>;
  let client: PredictorClient;

  before(async () => {
    artifacts = await tempArtifactDir();
    await writeTinyArtifact(artifacts.dir, 'w1', new Date('2026-01-01T00:00:00Z'), { weather: true });
    weather = await createFakeOpenMeteo();
    server = await startTestModelServer(artifacts.dir, { weatherBaseUrl: weather.url });
    client = new PredictorClient(`127.0.0.1:${server.port}`, 5_000);
  });

  after(async () => {
    client?.close();
    await server?.stop();
    await weather?.close().catch(() => undefined);
    await artifacts?.remove();
  });

  it('fetches the weather around the venues once per area and forecasts with it', async () => {
    const res = await client.forecast({
      venues: [
        { venueId: KNOWN_VENUE, ...ZURICH },
        { venueId: 'next-door', latitude: 47.371, longitude: 8.541 },
        { venueId: 'no-location' },
      ],
      startTime: '2026-11-24T09:00:00Z',
      horizonHours: 6,
    });
    assert.equal(res.forecasts.length, 3);
    assert.equal(weather.requests.length, 1, 'two venues in the same area share one weather request');
    const [request] = weather.requests;
    assert.equal(request!.pathname, '/v1/forecast');
    assert.equal(request!.searchParams.get('latitude'), '47.4');
    assert.equal(request!.searchParams.get('hourly'), 'temperature_2m,precipitation');
  });

  it('forecasts without weather when the weather API is down, instead of failing', async () => {
    await weather.close();
    const res = await client.forecast({
      venues: [{ venueId: KNOWN_VENUE, latitude: 46.95, longitude: 7.45 }],
      startTime: '2026-11-24T09:00:00Z',
      horizonHours: 3,
    });
    assert.equal(res.forecasts[0]!.points.length, 3);
    assert.ok(res.forecasts[0]!.points.every((p) => Number.isFinite(p.expected)));
  });

  it('rejects a location that is half given or out of range', async () => {
    await assert.rejects(
      client.forecast({ venues: [{ venueId: 'x', latitude: 95, longitude: 8 }], horizonHours: 3 }),
      /latitude\/longitude/,
    );
    await assert.rejects(
      client.forecast({ venues: [{ venueId: 'x', latitude: 47 }], horizonHours: 3 }),
      /latitude\/longitude/,
    );
  });
});
