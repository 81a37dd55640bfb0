import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { openMeteoWeather } from '../src/weather.ts';
import { createFakeOpenMeteo, fakePrecipitation, fakeTemperature } from '../src/weather-fake.ts';

const ZURICH = { lat: 47.37, lng: 8.54 };

test('the Open-Meteo client reads hourly weather from the fake server', async (t) => {
  const fake = await createFakeOpenMeteo();
  t.after(() => fake.close());
  const now = (): Date => new Date('2026-02-01T12:00:00Z');
  const weather = openMeteoWeather({ baseUrl: fake.url, now });
  const from = new Date('2026-02-02T05:00:00Z');
  const to = new Date('2026-02-02T08:00:00Z');
  const hours = await weather.hourly(ZURICH.lat, ZURICH.lng, from, to);
  assert.deepEqual(
    hours.map((h) => h.at.toISOString()),
    [
      '2026-02-02T05:00:00.000Z',
      '2026-02-02T06:00:00.000Z',
      '2026-02-02T07:00:00.000Z',
      '2026-02-02T08:00:00.000Z',
    ],
  );
  for (const h of hours) {
    assert.equal(h.temperatureC, fakeTemperature(h.at.getTime(), ZURICH.lat));
    assert.equal(h.precipitationMm, fakePrecipitation(h.at.getTime()));
  }
  const req = fake.requests.at(-1)!;
  assert.equal(req.pathname, '/v1/forecast');
  assert.equal(req.searchParams.get('latitude'), '47.37');
  assert.equal(req.searchParams.get('longitude'), '8.54');
  assert.equal(req.searchParams.get('hourly'), 'temperature_2m,precipitation');
  assert.equal(req.searchParams.get('start_date'), '2026-02-02');
  assert.equal(req.searchParams.get('end_date'), '2026-02-02');
  assert.equal(req.searchParams.get('timezone'), 'UTC');
  // ranges well in the past go to the archive endpoint
  const past = await weather.hourly(
    ZURICH.lat,
    ZURICH.lng,
    new Date('2025-06-01T00:00:00Z'),
    new Date('2025-06-02T23:00:00Z'),
  );
  assert.equal(past.length, 48);
  assert.equal(fake.requests.at(-1)!.pathname, '/v1/archive');
});

test('the weather client returns [] when the server is down, slow or failing', async (t) => {
  // a port nobody listens on
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const errors: unknown[] = [];
  const down = openMeteoWeather({
    baseUrl: `http://127.0.0.1:${port}`,
    timeoutMs: 1000,
    onError: (e) => errors.push(e),
  });
  const from = new Date('2026-02-02T05:00:00Z');
  assert.deepEqual(await down.hourly(ZURICH.lat, ZURICH.lng, from, from), []);
  assert.equal(errors.length, 1);

  const fake = await createFakeOpenMeteo();
  t.after(() => fake.close());
  fake.delayMs = 500;
  const slow = openMeteoWeather({ baseUrl: fake.url, timeoutMs: 50 });
  assert.deepEqual(await slow.hourly(ZURICH.lat, ZURICH.lng, from, from), []);
  fake.delayMs = 0;
  // HTTP 400 from the server (invalid coordinates are rejected client-side first)
  const ok = openMeteoWeather({ baseUrl: fake.url });
  assert.deepEqual(await ok.hourly(Number.NaN, ZURICH.lng, from, from), []);
  const wrongPath = openMeteoWeather({ baseUrl: `${fake.url}/nothing-here/` });
  assert.deepEqual(await wrongPath.hourly(ZURICH.lat, ZURICH.lng, from, from), []);
});
