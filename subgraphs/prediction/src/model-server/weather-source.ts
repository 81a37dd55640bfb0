/**
 * Weather for the model, when the loaded artifact was trained with weather: hourly temperature and
 * precipitation around each venue from an Open-Meteo-compatible provider. Venues a few hundred
 * metres apart share one request (coordinates rounded to 0.1°, ~10 km), and answers are kept for a
 * while, so a batch of 100 venues in one city costs one HTTP call, not 100. A failing or slow
 * provider yields [] (the provider never throws): the model then uses its no-weather inputs.
 */
import type { WeatherHour, WeatherProvider } from '@sport-venue/forecast';

const HOUR_MS = 3_600_000;
const MAX_ENTRIES = 10_000;

export class WeatherSource {
  private readonly cache = new Map<string, { until: number; hours: Promise<WeatherHour[]> }>();
  private readonly provider: WeatherProvider;
  private readonly ttlMs: number;

  constructor(provider: WeatherProvider, ttlMs = 30 * 60_000) {
    this.provider = provider;
    this.ttlMs = ttlMs;
  }

  /** Hourly weather near (lat, lng) covering the day before `origin` to `hours` after it. */
  around(lat: number, lng: number, origin: Date, hours: number): Promise<WeatherHour[]> {
    const from = new Date(Math.floor(origin.getTime() / HOUR_MS) * HOUR_MS - 24 * HOUR_MS);
    const to = new Date(from.getTime() + (24 + hours) * HOUR_MS);
    const key = `${lat.toFixed(1)},${lng.toFixed(1)},${from.getTime()},${hours}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.hours;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    const hours$ = this.provider.hourly(Number(lat.toFixed(1)), Number(lng.toFixed(1)), from, to);
    // An empty answer (provider down) is kept briefly only, so weather returns soon after it does.
    this.cache.set(key, { until: now + this.ttlMs, hours: hours$ });
    void hours$.then((h) => {
      if (h.length === 0) this.cache.set(key, { until: Date.now() + 30_000, hours: hours$ });
    });
    return hours$;
  }
}
