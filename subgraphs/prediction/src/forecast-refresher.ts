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
import { every, mgetBySlot, pipelineBySlot, type PeriodicJob } from '@sport-venue/shared';
import { forecastAndCache, type ForecastSource } from './forecast-loader.ts';
import { fetchHorizon } from './forecast-revalidation.ts';
import type { VenueInputMessage } from './predictor-proto.ts';
import { toVenueInput, type VenueRef } from './venue-inputs.ts';

export const WATCHED_KEY = 'prediction:refresh:watched';
export const LEASE_KEY = 'prediction:refresh:lease';
export const inputKey = (venueId: string) => `prediction:refresh:input:${venueId}`;

const HOUR_MS = 3_600_000;
/** "Last asked" is refreshed at most this often per venue and replica (the idle window is hours). */
const WATCH_WRITE_MS = 60_000;
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
  /** Per venue: when this replica last wrote "asked for", and the hour of the inputs it stored. */
  private readonly reported = new Map<string, { at: number; hour: number }>();
  private job: PeriodicJob | undefined;
  private readonly options: RefresherOptions;

  constructor(options: RefresherOptions) {
    this.options = options;
  }

  /**
   * Called with the venues of each request; never throws and never delays the request. Hot path:
   * a venue's "last asked" is written at most once a minute and its inputs once an hour per
   * replica, so most requests cost no Redis write at all.
   */
  watch(venues: readonly VenueRef[]): void {
    const now = this.options.source.now().getTime();
    const writes: Parameters<typeof pipelineBySlot>[1][number][] = [];
    const ttlSeconds = Math.ceil((this.options.idleMs + HOUR_MS) / 1000);
    for (const venue of venues) {
      const last = this.reported.get(venue.id) ?? { at: -Infinity, hour: -Infinity };
      const hour = Date.parse(venue.forecastInputs?.currentHour ?? '');
      const newInputs = Number.isFinite(hour) && hour > last.hour;
      if (now - last.at < WATCH_WRITE_MS && !newInputs) continue;
      writes.push({ key: WATCHED_KEY, queue: (p) => p.zadd(WATCHED_KEY, now, venue.id) });
      if (newInputs) {
        const key = inputKey(venue.id);
        const input = JSON.stringify(toVenueInput(venue));
        writes.push({ key, queue: (p) => p.set(key, input, 'EX', ttlSeconds) });
      }
      this.reported.set(venue.id, { at: now, hour: newInputs ? hour : last.hour });
    }
    // Bounded: the map only saves rewrites; losing it costs one write per venue.
    if (this.reported.size > 50_000) this.reported.clear();
    if (writes.length === 0) return;
    pipelineBySlot(this.options.source.redis, writes).catch((err: Error) =>
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
    const stored = await mgetBySlot(redis, ids.map(inputKey));
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
    const { fresh, failed } = await forecastAndCache(source, inputs, fetchHorizon(source.fetchHours, 0), {
      logger,
    });
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
