import { redisKeys } from '@sport-venue/shared';
import type { Redis } from 'ioredis';

/**
 * `venue:{id}:predicted` holds the latest forecast as JSON:
 * `{ "generatedAt": ISO, "points": [{ "at": ISO hour, "expected": n, "low": n, "high": n, "level": L }] }`.
 */
export interface CachedForecast {
  generatedAt: string;
  points: Array<{ at: string; expected: number; low: number; high: number; level: string }>;
}

export async function readForecasts(
  redis: Redis,
  venueIds: readonly string[],
): Promise<Array<CachedForecast | null>> {
  if (venueIds.length === 0) return [];
  const values = await redis.mget(venueIds.map((id) => redisKeys.venuePredicted(id)));
  return values.map((value) => {
    if (!value) return null;
    try {
      return JSON.parse(value) as CachedForecast;
    } catch {
      return null;
    }
  });
}

export async function writeForecast(
  redis: Redis,
  venueId: string,
  forecast: CachedForecast,
  ttlSeconds: number,
) {
  await redis.set(redisKeys.venuePredicted(venueId), JSON.stringify(forecast), 'EX', ttlSeconds);
}

/** The expected headcount for the hour containing `now`, if the forecast covers it. */
export function expectedAt(forecast: CachedForecast | null, now: Date): number | null {
  if (!forecast) return null;
  const hourStart = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const point = forecast.points.find((p) => Date.parse(p.at) === hourStart);
  return point ? Math.round(point.expected) : null;
}
