/**
 * Cached forecasts are replaced before they stop answering requests, never by a request waiting for
 * the model (docs/decisions/0033).
 *
 * A forecast covers the hours from the one it was made in. Fetched for exactly the hours asked, it
 * stops covering a request's window the moment the hour turns, and the next request for those
 * venues used to wait for a model call (tens of milliseconds, more on a busy machine). So forecasts
 * are fetched AHEAD_HOURS longer than asked, and a cached one that is due — made in an hour before
 * the current one, or older than half its cache lifetime — still answers the request while a
 * background call replaces it. One background call per cached forecast per process, and after it
 * ends no other for RETRY_AFTER_MS (the circuit breaker guards the predictor; this keeps a venue
 * whose call failed from costing a call per request).
 */
import type { Logger, TraceContext } from '@sport-venue/shared';
import type { CachedForecast } from './forecast-cache.ts';
import { MAX_HORIZON_HOURS } from './predictor-proto.ts';
import { toVenueInput, type VenueRef } from './venue-inputs.ts';

const HOUR_MS = 3_600_000;
/** Hours fetched beyond the window asked for, so a forecast still answers after the hour turns. */
export const AHEAD_HOURS = 1;
/**
 * How long after a background call ends the same forecast starts no other: the call failed (the
 * venue is left to requests and the schedule meanwhile), or its result was not written.
 */
export const RETRY_AFTER_MS = 30_000;
/** Bound on the venues remembered (losing the memory costs one early retry each). */
const MAX_REMEMBERED = 50_000;

/** The horizon to fetch for a window of `hours`: the configured minimum, plus the hours ahead. */
export function fetchHorizon(fetchHours: number, hours: number): number {
  return Math.min(MAX_HORIZON_HOURS, Math.max(fetchHours, hours) + AHEAD_HOURS);
}

/**
 * Whether a cached forecast should be replaced in the background: it was made in an hour before
 * `now`'s (its hours ahead are spent), or it is older than half of `lifetimeSeconds`.
 */
export function isDue(forecast: CachedForecast, now: Date, lifetimeSeconds: number): boolean {
  const made = Date.parse(forecast.generatedAt);
  if (!Number.isFinite(made)) return true;
  const t = now.getTime();
  return Math.floor(made / HOUR_MS) < Math.floor(t / HOUR_MS) || t - made >= (lifetimeSeconds * 1000) / 2;
}

/** Forecasts `venues` for `hours` and caches them; resolves with the ids whose call failed. */
export type Reforecast = (
  venues: ReturnType<typeof toVenueInput>[],
  hours: number,
  trace: TraceContext | undefined,
) => Promise<ReadonlySet<string>>;

/** A cached forecast due for replacement: the venue, with its inputs, and when the forecast was made. */
export interface DueForecast {
  venue: VenueRef;
  generatedAt: string;
}

export class Revalidation {
  /**
   * Per venue, the forecast (by generatedAt) a background call was started for, and until when
   * (ms) that forecast starts no other: while the call runs, then RETRY_AFTER_MS. Keyed on the
   * forecast rather than on the call, so a request that read it just before its replacement was
   * written does not start a second call either.
   */
  private readonly started = new Map<string, { generatedAt: string; until: number }>();
  private readonly running = new Set<Promise<void>>();
  private readonly reforecast: Reforecast;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(options: { reforecast: Reforecast; logger: Logger; now: () => Date }) {
    this.reforecast = options.reforecast;
    this.logger = options.logger;
    this.now = options.now;
  }

  /**
   * Starts one background call for the venues whose due forecast no call was started for lately.
   * Never throws and never delays the caller.
   */
  start(due: readonly DueForecast[], hours: number, trace?: TraceContext): void {
    const now = this.now().getTime();
    const batch = due.filter(({ venue, generatedAt }) => {
      const last = this.started.get(venue.id);
      return !(last && last.generatedAt === generatedAt && now < last.until);
    });
    if (batch.length === 0) return;
    if (this.started.size + batch.length > MAX_REMEMBERED) this.started.clear();
    for (const { venue, generatedAt } of batch) this.started.set(venue.id, { generatedAt, until: Infinity });
    const run = (async () => {
      // Not on the request's turn of the event loop: building and encoding the inputs of many
      // venues costs milliseconds the request that found them due would otherwise wait for.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        const failed = await this.reforecast(
          batch.map(({ venue }) => toVenueInput(venue)),
          hours,
          trace,
        );
        if (failed.size > 0)
          this.logger.warn(
            { venues: failed.size },
            'forecast revalidation failed; the cached forecasts stay',
          );
      } catch (err) {
        this.logger.warn(
          { err: (err as Error).message, venues: batch.length },
          'forecast revalidation failed',
        );
      } finally {
        const until = this.now().getTime() + RETRY_AFTER_MS;
        for (const { venue, generatedAt } of batch) {
          const entry = this.started.get(venue.id);
          if (entry?.generatedAt === generatedAt) entry.until = until;
        }
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves when no background call is running (shutdown waits for them). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
