import type { Redis } from 'ioredis';
import type { Logger, OccupancyMessageV1 } from '@sport-venue/shared';
import type { OccupancyInsights } from './occupancy-insights.ts';
import type { VenueCatalog } from './venue-catalog.ts';

/** Payload on `${OCCUPANCY_CHANNEL_PREFIX}${venueId}`, contract v1 (docs/events.md). */
export type { OccupancyMessageV1 } from '@sport-venue/shared';

export function occupancyChannel(prefix: string, venueId: string): string {
  return `${prefix}${venueId}`;
}

export class OccupancyPublisher {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #venues: VenueCatalog;
  readonly #insights: OccupancyInsights;
  readonly #logger: Logger;

  constructor(
    redis: Redis,
    prefix: string,
    venues: VenueCatalog,
    insights: OccupancyInsights,
    logger: Logger,
  ) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#venues = venues;
    this.#insights = insights;
    this.#logger = logger;
  }

  /** Best effort: live updates are a convenience, the count itself is already in Redis. */
  async publish(venueId: string, currentCount: number, seq: number, at: Date): Promise<void> {
    try {
      const venue = await this.#venues.get(venueId);
      const level = venue ? (await this.#insights.snapshot(venue, currentCount, at)).occupancyLevel : null;
      const message: OccupancyMessageV1 = {
        v: 1,
        venueId,
        currentCount,
        occupancyLevel: level,
        at: at.toISOString(),
        seq,
      };
      await this.#redis.publish(occupancyChannel(this.#prefix, venueId), JSON.stringify(message));
    } catch (err) {
      this.#logger.warn({ err, venueId }, 'occupancy update not published');
    }
  }
}
