import { HOUR_MS, type Clock } from '../clock.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import {
  compareToUsual,
  occupancyLevel,
  occupancyPercent,
  type OccupancyLevel,
  type UsualComparison,
} from './occupancy-level.ts';
import { recentHourBuckets } from './occupancy-samples.ts';
import { POPULAR_TIMES_WEEKS, popularTimesFrom, usualAt, type PopularTimes } from './popular-times.ts';

export interface VenueForInsights {
  id: bigint;
  timeZone: string;
  capacity: number | null;
}

const cacheKey = (venue: VenueForInsights) => `${venue.id}:${venue.timeZone}`;

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

  constructor(db: PrismaClient, clock: Clock, ttlMs = HOUR_MS) {
    this.#db = db;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  popularTimes(venue: VenueForInsights): Promise<PopularTimes | null> {
    return this.popularTimesOf([venue])[0]!;
  }

  /**
   * Popular times of each venue, in order. Venues not in the cache (or expired) are computed
   * together, with one grouped query: what a per-request DataLoader hands in for a venue list.
   */
  popularTimesOf(venues: readonly VenueForInsights[]): Array<Promise<PopularTimes | null>> {
    const now = Date.now();
    const known = new Map<string, Promise<PopularTimes | null>>();
    const misses = new Map<string, VenueForInsights>();
    for (const venue of venues) {
      const key = cacheKey(venue);
      const hit = this.#cache.get(key);
      if (hit && hit.expires > now) known.set(key, hit.value);
      else misses.set(key, venue);
    }
    if (misses.size > 0) {
      const computed = this.#compute([...misses.values()]);
      for (const key of misses.keys()) {
        const value = computed.then((byKey) => byKey.get(key) ?? null);
        known.set(key, value);
        this.#cache.set(key, { expires: now + this.#ttlMs, value });
        value.catch(() => this.#cache.delete(key));
      }
      if (this.#cache.size > 50_000) this.#cache.clear();
    }
    return venues.map((venue) => known.get(cacheKey(venue))!);
  }

  invalidate(venueId: bigint | string): void {
    for (const key of this.#cache.keys()) if (key.startsWith(`${venueId}:`)) this.#cache.delete(key);
  }

  /** Popular times by cache key (a venue's zone shapes them) of venues computed together. */
  async #compute(venues: readonly VenueForInsights[]): Promise<Map<string, PopularTimes | null>> {
    const buckets = await recentHourBuckets(
      this.#db,
      [...new Set(venues.map((v) => v.id))],
      this.#clock.now(),
      POPULAR_TIMES_WEEKS * 7,
    );
    // No bucket = no sample at or before now: no popular times.
    return new Map(
      venues.map((v) => {
        const own = buckets.get(v.id);
        return [cacheKey(v), own ? popularTimesFrom(own, v.timeZone) : null];
      }),
    );
  }

  /** `popularTimes`: the venue's popular times when the caller already asked for them (a loader). */
  async snapshot(
    venue: VenueForInsights,
    count: number,
    at: Date,
    popularTimes: Promise<PopularTimes | null> = this.popularTimes(venue),
  ): Promise<OccupancySnapshot> {
    const popular = await popularTimes;
    return {
      occupancyLevel: occupancyLevel(count, { capacity: venue.capacity, usualPeak: popular?.peak ?? null }),
      occupancyPercent: occupancyPercent(count, venue.capacity),
      comparedToUsual: compareToUsual(count, usualAt(popular, at, venue.timeZone)),
    };
  }
}
