import type { RedisClient } from '@sport-venue/shared';
import { channels, encodeMessage, type Logger } from '@sport-venue/shared';
import type { OccupancyInsights } from './occupancy-insights.ts';
import type { VenueCatalog } from '../catalog/venue-catalog.ts';

export class OccupancyPublisher {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #venues: VenueCatalog;
  readonly #insights: OccupancyInsights;
  readonly #logger: Logger;

  constructor(
    redis: RedisClient,
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
      const message = encodeMessage(channels.occupancy, {
        v: 1,
        venueId,
        currentCount,
        occupancyLevel: level,
        at: at.toISOString(),
        seq,
      });
      await this.#redis.publish(channels.occupancy.name(this.#prefix, venueId), message);
    } catch (err) {
      this.#logger.warn({ err, venueId }, 'occupancy update not published');
    }
  }
}
