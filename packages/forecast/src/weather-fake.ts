/**
 * A tiny local Open-Meteo look-alike for tests: serves /v1/forecast and /v1/archive on 127.0.0.1
 * with deterministic hourly values (see `fakeTemperature` / `fakePrecipitation`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DAY_MS, HOUR_MS } from './calendar.ts';

/** Deterministic fake temperature (°C) for an hour start (ms) at a latitude. */
export function fakeTemperature(ms: number, lat: number): number {
  const hour = new Date(ms).getUTCHours();
  return Math.round((20 - lat / 5 + 6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI)) * 10) / 10;
}

/** Deterministic fake precipitation (mm): 0.4 mm every sixth UTC hour, otherwise 0. */
export function fakePrecipitation(ms: number): number {
  return new Date(ms).getUTCHours() % 6 === 0 ? 0.4 : 0;
}

export interface FakeOpenMeteo {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Request URLs received, in order. */
  requests: URL[];
  /** Delay every response by this many ms (to exercise client timeouts). */
  delayMs: number;
  close(): Promise<void>;
}

export async function createFakeOpenMeteo(): Promise<FakeOpenMeteo> {
  const requests: URL[] = [];
  const state = { delayMs: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url);
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(text);
      }, state.delayMs);
    };
    if (url.pathname !== '/v1/forecast' && url.pathname !== '/v1/archive') {
      send(404, { error: true, reason: 'not found' });
      return;
    }
    const p = url.searchParams;
    const lat = Number(p.get('latitude'));
    const lng = Number(p.get('longitude'));
    const start = Date.parse(`${p.get('start_date')}T00:00:00Z`);
    const end = Date.parse(`${p.get('end_date')}T00:00:00Z`);
    if (
      !Number.isFinite(lat) ||
      !Number.isFinite(lng) ||
      Number.isNaN(start) ||
      Number.isNaN(end) ||
      end < start
    ) {
      send(400, { error: true, reason: 'bad parameters' });
      return;
    }
    const time: string[] = [];
    const temperature: number[] = [];
    const precipitation: number[] = [];
    for (let ms = start; ms < end + DAY_MS; ms += HOUR_MS) {
      time.push(new Date(ms).toISOString().slice(0, 16));
      temperature.push(fakeTemperature(ms, lat));
      precipitation.push(fakePrecipitation(ms));
    }
    send(200, {
      latitude: lat,
      longitude: lng,
      timezone: 'GMT',
      hourly_units: { time: 'iso8601', temperature_2m: '°C', precipitation: 'mm' },
      hourly: { time, temperature_2m: temperature, precipitation },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v: number) {
      state.delayMs = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
