import { mgetBySlot, pipelineBySlot, redisKeys } from '@sport-venue/shared';
import type { RedisClient } from '@sport-venue/shared';

/**
 * `venue:{id}:predicted` holds the latest forecast as JSON:
 * `{ "generatedAt": ISO, "points": [{ "at": ISO hour, "expected": n, "low": n, "high": n, "level": L,
 *    "closed"?: true }], "modelVersion"?: string, "basis"?: "MODEL" | "BASELINE" }`. `modelVersion`, `basis` and `closed` were added later:
 * readers must not require them.
 */
export interface CachedForecast {
  generatedAt: string;
  points: CachedPoint[];
  modelVersion?: string;
  /** 'BASELINE' while no model was trained (added later: absent = 'MODEL'). */
  basis?: 'MODEL' | 'BASELINE';
}

export interface CachedPoint {
  at: string;
  /** Copied from the forecast when read (not stored per point). */
  basis?: 'MODEL' | 'BASELINE';
  expected: number;
  low: number;
  high: number;
  level: string;
  /** Present (true) when the venue is closed for the whole hour. */
  closed?: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * The last text read per venue and what it parsed to. A forecast is rewritten every few minutes at
 * most and read by every request that shows it: when Redis returns the same text again, its parse
 * (and the hour index forecastWindow builds) is reused instead of redone. Parsed forecasts are
 * shared between requests, so nothing may modify them.
 */
const parsed = new Map<string, { text: string; forecast: CachedForecast | null }>();
const MAX_PARSED = 50_000;

function parseForecast(venueId: string, text: string): CachedForecast | null {
  const hit = parsed.get(venueId);
  if (hit?.text === text) return hit.forecast;
  let forecast: CachedForecast | null;
  try {
    forecast = JSON.parse(text) as CachedForecast;
    // Stamped once here, so forecastWindow hands out these points instead of copies.
    const basis = forecast.basis ?? 'MODEL';
    for (const point of forecast.points) point.basis = basis;
  } catch {
    forecast = null;
  }
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(venueId, { text, forecast });
  return forecast;
}

export async function readForecasts(
  redis: RedisClient,
  venueIds: readonly string[],
): Promise<Array<CachedForecast | null>> {
  if (venueIds.length === 0) return [];
  const values = await mgetBySlot(
    redis,
    venueIds.map((id) => redisKeys.venuePredicted(id)),
  );
  return values.map((value, i) => (value ? parseForecast(venueIds[i]!, value) : null));
}

export async function writeForecast(
  redis: RedisClient,
  venueId: string,
  forecast: CachedForecast,
  ttlSeconds: number,
) {
  await writeForecasts(redis, new Map([[venueId, forecast]]), ttlSeconds);
}

/** Writes many forecasts in one round trip (one per slot on a cluster). */
export async function writeForecasts(
  redis: RedisClient,
  forecasts: ReadonlyMap<string, CachedForecast>,
  ttlSeconds: number,
) {
  await pipelineBySlot(
    redis,
    [...forecasts].map(([venueId, forecast]) => {
      const key = redisKeys.venuePredicted(venueId);
      return { key, queue: (p) => p.set(key, JSON.stringify(forecast), 'EX', ttlSeconds) };
    }),
  );
}

/** The expected headcount for the hour containing `now`, if the forecast covers it. */
export function expectedAt(forecast: CachedForecast | null, now: Date): number | null {
  if (!forecast) return null;
  const hourStart = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const point = forecast.points.find((p) => Date.parse(p.at) === hourStart);
  return point ? Math.round(point.expected) : null;
}

/**
 * The `hours` consecutive points starting at the hour that contains `now`, or null when the
 * forecast does not cover all of them (then it has to be fetched again).
 */
export function forecastWindow(
  forecast: CachedForecast | null,
  now: Date,
  hours: number,
): CachedPoint[] | null {
  if (!forecast) return null;
  const start = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const byHour = hourIndex(forecast);
  const out: CachedPoint[] = [];
  const basis = forecast.basis ?? 'MODEL';
  for (let h = 0; h < hours; h++) {
    const point = byHour.get(start + h * HOUR_MS);
    if (!point) return null;
    out.push(point.basis === basis ? point : { ...point, basis });
  }
  return out;
}

const hourIndexes = new WeakMap<CachedForecast, Map<number, CachedPoint>>();

/** The forecast's points by hour (ms), built once per parsed forecast. */
function hourIndex(forecast: CachedForecast): Map<number, CachedPoint> {
  let index = hourIndexes.get(forecast);
  if (!index) {
    index = new Map(forecast.points.map((p) => [Date.parse(p.at), p]));
    hourIndexes.set(forecast, index);
  }
  return index;
}
