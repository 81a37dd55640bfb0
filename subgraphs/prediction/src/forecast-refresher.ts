/**
 * The schedule that keeps `venue:{id}:predicted` fresh for the venues people look at, so a request
 * rarely waits for the model server.
 *
 * Requests report every venue they ask about (`watch`): its id goes into a ZSET with the time it
 * was last asked for, and — once per hour per venue and replica — the model inputs the router
 * brought along (@requires) are stored next to it. Every interval one replica (a Redis lease) re-
 * forecasts each venue asked for within the idle window from its latest stored inputs. Venues
 * nobody asked for in that window drop out; their inputs expire.
 *
 * Keys (owned by this subgraph): `prediction:refresh:watched` ZSET venue id → last asked (ms),
 * `prediction:refresh:input:{id}` JSON VenueInput, `prediction:refresh:lease` holder id.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@sport-venue/shared';
import { every, type PeriodicJob } from '@sport-venue/shared';
import { forecastAndCache, type ForecastSource } from './forecast-loader.ts';
import type { VenueInputMessage } from './predictor-proto.ts';
import { toVenueInput, type VenueRef } from './venue-inputs.ts';

export const WATCHED_KEY = 'prediction:refresh:watched';
export const LEASE_KEY = 'prediction:refresh:lease';
export const inputKey = (venueId: string) => `prediction:refresh:input:${venueId}`;

const HOUR_MS = 3_600_000;
/** Venues refreshed per run at most (the oldest-asked beyond this wait for the next run). */
const MAX_VENUES_PER_RUN = 5_000;

export interface RefresherOptions {
  source: ForecastSource;
  logger: Logger;
  /** How often watched venues are re-forecast. */
  intervalMs: number;
  /** Venues not asked for within this long are no longer refreshed. */
  idleMs: number;
}

export interface RefreshRun {
  /** False when another replica holds the lease for this interval. */
  leader: boolean;
  refreshed: number;
  failed: number;
}

export class ForecastRefresher {
  private readonly id = randomUUID();
  private readonly storedHour = new Map<string, number>();
  private job: PeriodicJob | undefined;
  private readonly options: RefresherOptions;

  constructor(options: RefresherOptions) {
    this.options = options;
  }

  /** Called with the venues of each request; never throws and never delays the request. */
  watch(venues: readonly VenueRef[]): void {
    if (venues.length === 0) return;
    const { redis } = this.options.source;
    const now = this.options.source.now().getTime();
    const tx = redis.pipeline();
    tx.zadd(WATCHED_KEY, ...venues.flatMap((v) => [now, v.id]));
    const ttlSeconds = Math.ceil((this.options.idleMs + HOUR_MS) / 1000);
    for (const venue of venues) {
      const hour = Date.parse(venue.forecastInputs?.currentHour ?? '');
      if (!Number.isFinite(hour) || (this.storedHour.get(venue.id) ?? -1) >= hour) continue;
      tx.set(inputKey(venue.id), JSON.stringify(toVenueInput(venue)), 'EX', ttlSeconds);
      this.storedHour.set(venue.id, hour);
    }
    // Bounded: the map only saves rewrites, losing it costs one SET per venue.
    if (this.storedHour.size > 50_000) this.storedHour.clear();
    tx.exec().catch((err: Error) =>
      this.options.logger.warn({ err: err.message }, 'forecast refresh watch failed'),
    );
  }

  /** One refresh pass; tests call it directly. */
  async runOnce(): Promise<RefreshRun> {
    const { source, intervalMs, idleMs, logger } = this.options;
    const { redis } = source;
    // The lease outlives this run's interval slightly less than one interval, so the next run of
    // any replica can take it.
    const leased = await redis.set(LEASE_KEY, this.id, 'PX', Math.max(1, intervalMs - 100), 'NX');
    if (leased !== 'OK') return { leader: false, refreshed: 0, failed: 0 };
    const now = source.now().getTime();
    await redis.zremrangebyscore(WATCHED_KEY, '-inf', now - idleMs);
    const ids = await redis.zrevrange(WATCHED_KEY, 0, MAX_VENUES_PER_RUN - 1);
    if (ids.length === 0) return { leader: true, refreshed: 0, failed: 0 };
    const stored = await redis.mget(ids.map(inputKey));
    const inputs: VenueInputMessage[] = [];
    for (const [i, value] of stored.entries()) {
      if (!value) continue;
      try {
        inputs.push(JSON.parse(value) as VenueInputMessage);
      } catch {
        logger.warn({ venueId: ids[i] }, 'unreadable stored forecast input');
      }
    }
    if (inputs.length === 0) return { leader: true, refreshed: 0, failed: 0 };
    const { fresh, failed } = await forecastAndCache(source, inputs, source.fetchHours, { logger });
    logger.debug({ refreshed: fresh.size, failed: failed.size }, 'forecasts refreshed');
    return { leader: true, refreshed: fresh.size, failed: failed.size };
  }

  start(): void {
    this.job ??= every(
      'forecast refresh',
      this.options.intervalMs,
      () => this.runOnce(),
      this.options.logger,
    );
  }

  async stop(): Promise<void> {
    await this.job?.stop();
    this.job = undefined;
  }
}
