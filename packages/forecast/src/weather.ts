/**
 * Weather input. `WeatherProvider` is what the forecaster needs; `openMeteoWeather` is an
 * Open-Meteo-compatible HTTP client. A missing or failing weather source degrades gracefully:
 * the client returns [] (never throws) and the model falls back to its no-weather inputs.
 */
import type { WeatherHour } from './types.ts';
import { DAY_MS, HOUR_MS } from './calendar.ts';

export interface WeatherProvider {
  /** Hourly weather at (lat, lng) for hours starting in [from, to]. [] when unavailable. */
  hourly(lat: number, lng: number, from: Date, to: Date): Promise<WeatherHour[]>;
}

export interface OpenMeteoOptions {
  /** Base URL for both endpoints (e.g. a fake server); overrides the two below. */
  baseUrl?: string;
  /** Default https://api.open-meteo.com (serves /v1/forecast). */
  forecastBaseUrl?: string;
  /** Default https://archive-api.open-meteo.com (serves /v1/archive). */
  archiveBaseUrl?: string;
  /**
   * Which endpoint to call: 'forecast', 'archive', or 'auto' (default): archive when the whole
   * range ends more than `archiveLagDays` before now, forecast otherwise.
   */
  endpoint?: 'forecast' | 'archive' | 'auto';
  archiveLagDays?: number;
  /** Request timeout, default 5000 ms. */
  timeoutMs?: number;
  /** Called with the reason whenever [] is returned because of a failure (for logging). */
  onError?: (error: unknown) => void;
  /** Injected clock for 'auto' (tests). */
  now?: () => Date;
}

function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Parses Open-Meteo's `time` values (UTC when requested with timezone=UTC; ISO without zone). */
function parseOpenMeteoTime(t: unknown): number {
  if (typeof t === 'number') return t * 1000; // timeformat=unixtime
  if (typeof t !== 'string') return Number.NaN;
  return Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(t) ? t : `${t}Z`);
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Open-Meteo-compatible client (`/v1/forecast` and `/v1/archive`, hourly temperature_2m,precipitation). */
export function openMeteoWeather(options: OpenMeteoOptions = {}): WeatherProvider {
  const timeoutMs = options.timeoutMs ?? 5000;
  const lagDays = options.archiveLagDays ?? 5;
  const now = options.now ?? ((): Date => new Date());
  const fail = (e: unknown): WeatherHour[] => {
    options.onError?.(e);
    return [];
  };
  return {
    async hourly(lat, lng, from, to) {
      if (!Number.isFinite(lat) || !Number.isFinite(lng) || !(from.getTime() <= to.getTime())) {
        return fail(new RangeError('invalid weather request'));
      }
      let endpoint = options.endpoint ?? 'auto';
      if (endpoint === 'auto')
        endpoint = to.getTime() < now().getTime() - lagDays * DAY_MS ? 'archive' : 'forecast';
      const base =
        options.baseUrl ??
        (endpoint === 'archive'
          ? (options.archiveBaseUrl ?? 'https://archive-api.open-meteo.com')
          : (options.forecastBaseUrl ?? 'https://api.open-meteo.com'));
      // Keep any path prefix of the base URL (e.g. behind a proxy).
      const url = new URL(`v1/${endpoint}`, base.endsWith('/') ? base : `${base}/`);
      url.searchParams.set('latitude', String(lat));
      url.searchParams.set('longitude', String(lng));
      url.searchParams.set('hourly', 'temperature_2m,precipitation');
      url.searchParams.set('start_date', utcDate(from));
      url.searchParams.set('end_date', utcDate(to));
      url.searchParams.set('timezone', 'UTC');
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) return fail(new Error(`open-meteo HTTP ${res.status}`));
        const body = (await res.json()) as {
          hourly?: { time?: unknown[]; temperature_2m?: unknown[]; precipitation?: unknown[] };
        };
        const h = body.hourly;
        if (!h || !Array.isArray(h.time)) return fail(new Error('open-meteo response without hourly.time'));
        const lo = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
        const hi = to.getTime();
        const out: WeatherHour[] = [];
        for (let i = 0; i < h.time.length; i++) {
          const ms = parseOpenMeteoTime(h.time[i]);
          if (!Number.isFinite(ms) || ms < lo || ms > hi) continue;
          out.push({
            at: new Date(ms),
            temperatureC: numOrNull(h.temperature_2m?.[i]),
            precipitationMm: numOrNull(h.precipitation?.[i]),
          });
        }
        return out;
      } catch (e) {
        return fail(e);
      }
    },
  };
}
