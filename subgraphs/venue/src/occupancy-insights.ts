import type { Clock } from './clock.ts';
import { DAY_MS } from './clock.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import {
  compareToUsual,
  occupancyLevel,
  occupancyPercent,
  type OccupancyLevel,
  type UsualComparison,
} from './occupancy-level.ts';
import { hourBuckets, latestSampleAt } from './occupancy-samples.ts';
import { POPULAR_TIMES_WEEKS, popularTimesFrom, usualAt, type PopularTimes } from './popular-times.ts';

export interface VenueForInsights {
  id: bigint;
  timeZone: string;
  capacity: number | null;
}

export interface OccupancySnapshot {
  occupancyLevel: OccupancyLevel | null;
  occupancyPercent: number | null;
  comparedToUsual: UsualComparison | null;
}

/**
 * Popular times per venue (computed from the last 12 weeks of samples, cached an hour: history
 * moves slowly) and the relative readings derived from them.
 */
export class OccupancyInsights {
  readonly #db: PrismaClient;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { expires: number; value: Promise<PopularTimes | null> }>();

  constructor(db: PrismaClient, clock: Clock, ttlMs = 3_600_000) {
    this.#db = db;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  popularTimes(venue: VenueForInsights): Promise<PopularTimes | null> {
    const key = `${venue.id}:${venue.timeZone}`;
    const hit = this.#cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = this.#compute(venue);
    this.#cache.set(key, { expires: Date.now() + this.#ttlMs, value });
    value.catch(() => this.#cache.delete(key));
    if (this.#cache.size > 50_000) this.#cache.clear();
    return value;
  }

  invalidate(venueId: bigint | string): void {
    for (const key of this.#cache.keys()) if (key.startsWith(`${venueId}:`)) this.#cache.delete(key);
  }

  async #compute(venue: VenueForInsights): Promise<PopularTimes | null> {
    // The window ends at the latest sample, not now: imported history may stop in the past.
    const latest = await latestSampleAt(this.#db, venue.id, this.#clock.now());
    if (!latest) return null;
    const from = new Date(latest.getTime() - POPULAR_TIMES_WEEKS * 7 * DAY_MS);
    return popularTimesFrom(await hourBuckets(this.#db, venue.id, from, latest), venue.timeZone);
  }

  async snapshot(venue: VenueForInsights, count: number, at: Date): Promise<OccupancySnapshot> {
    const popular = await this.popularTimes(venue);
    return {
      occupancyLevel: occupancyLevel(count, { capacity: venue.capacity, usualPeak: popular?.peak ?? null }),
      occupancyPercent: occupancyPercent(count, venue.capacity),
      comparedToUsual: compareToUsual(count, usualAt(popular, at, venue.timeZone)),
    };
  }
}
