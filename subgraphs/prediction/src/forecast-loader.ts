/**
 * Per-request forecast loading: every venue a GraphQL request asks about is answered from the
 * Redis cache, and the rest with ONE Forecast call to the predictor (DataLoader collects the
 * venues of a request; > 100 venues become several calls). Predictor calls go through the
 * circuit breaker; a failure turns into PREDICTION_UNAVAILABLE for just the affected fields.
 */
import * as grpc from '@grpc/grpc-js';
import DataLoader from 'dataloader';
import { childTraceparent, domainError, type Logger, type TraceContext } from '@sport-venue/shared';
import type { RedisClient } from '@sport-venue/shared';
import type { CircuitBreaker } from './circuit-breaker.ts';
import {
  forecastWindow,
  readForecasts,
  writeForecasts,
  type CachedForecast,
  type CachedPoint,
} from './forecast-cache.ts';
import { fetchHorizon, isDue, type DueForecast, type Revalidation } from './forecast-revalidation.ts';
import { PredictorError, type PredictorClient } from './predictor-client.ts';
import {
  MAX_VENUES_PER_CALL,
  type ForecastResponseMessage,
  type VenueInputMessage,
} from './predictor-proto.ts';
import { toVenueInput, type VenueRef } from './venue-inputs.ts';

export const PREDICTION_UNAVAILABLE = 'PREDICTION_UNAVAILABLE';
/** Cache lifetime of forecasts made before any model existed (seconds). */
export const BASELINE_CACHE_TTL_S = 60;

export interface ForecastKey {
  /** The venue with the fields the router fetched for @requires (the model's inputs). */
  venue: VenueRef;
  /** Hours needed from the current hour on (1..168). */
  hours: number;
}

export interface ForecastSource {
  redis: RedisClient;
  predictor: Pick<PredictorClient, 'forecast'>;
  breaker: CircuitBreaker;
  logger: Logger;
  cacheTtlSeconds: number;
  /** Minimum horizon fetched, so shorter later requests are served from the cache. */
  fetchHours: number;
  now: () => Date;
  /** Told about every venue asked for and its inputs, so the schedule can keep it fresh. */
  watch?: (venues: readonly VenueRef[]) => void;
  /** Replaces due cached forecasts in the background (forecast-revalidation.ts); none: never. */
  revalidation?: Revalidation;
}

/** How long a forecast of this basis is cached (seconds). */
export function cacheLifetime(source: Pick<ForecastSource, 'cacheTtlSeconds'>, forecast: CachedForecast) {
  return forecast.basis === 'BASELINE'
    ? Math.min(source.cacheTtlSeconds, BASELINE_CACHE_TTL_S)
    : source.cacheTtlSeconds;
}

export type ForecastLoader = DataLoader<ForecastKey, CachedPoint[], string>;

const unavailable = () =>
  domainError(PREDICTION_UNAVAILABLE, 'forecasts are unavailable right now; try again later');

// Caller mistakes and "not found" say nothing about the predictor's health.
const countsAsFailure = (err: unknown) =>
  !(err instanceof PredictorError) ||
  (err.code !== grpc.status.INVALID_ARGUMENT && err.code !== grpc.status.NOT_FOUND);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toCached(response: ForecastResponseMessage, generatedAt: string): Map<string, CachedForecast> {
  const out = new Map<string, CachedForecast>();
  for (const f of response.forecasts ?? []) {
    out.set(f.venueId, {
      generatedAt,
      modelVersion: response.modelVersion,
      basis: f.basis === 'BASELINE' ? 'BASELINE' : 'MODEL',
      points: (f.points ?? []).map((p) => ({
        at: p.at,
        expected: p.expected ?? 0,
        low: p.low ?? 0,
        high: p.high ?? 0,
        level: p.level,
        ...(p.closed ? { closed: true } : {}),
      })),
    });
  }
  return out;
}

export interface ForecastBatchOptions {
  trace?: TraceContext | undefined;
  logger: Logger;
}

/**
 * Forecasts `venues` (any number: > 100 become several calls) through the breaker and writes each
 * result to the cache. Returns the fresh forecasts and the ids whose call failed.
 */
export async function forecastAndCache(
  source: ForecastSource,
  venues: readonly VenueInputMessage[],
  horizon: number,
  options: ForecastBatchOptions,
): Promise<{ fresh: Map<string, CachedForecast>; failed: Set<string> }> {
  const now = source.now();
  const fresh = new Map<string, CachedForecast>();
  const failed = new Set<string>();
  await Promise.all(
    chunks(venues, MAX_VENUES_PER_CALL).map(async (batch) => {
      try {
        const response = await source.breaker.run(
          () =>
            source.predictor.forecast(
              { venues: batch, startTime: now.toISOString(), horizonHours: horizon },
              undefined,
              options.trace ? { traceparent: childTraceparent(options.trace) } : {},
            ),
          countsAsFailure,
        );
        const made = toCached(response, now.toISOString());
        for (const [id, forecast] of made) fresh.set(id, forecast);
        // A baseline forecast is kept briefly: the model's replaces it soon after training ends.
        const ttl = Math.min(
          source.cacheTtlSeconds,
          ...[...made.values()].map((f) => cacheLifetime(source, f)),
        );
        await writeForecasts(source.redis, made, ttl).catch((err: Error) =>
          options.logger.warn({ err: err.message }, 'forecast cache write failed'),
        );
      } catch (err) {
        options.logger.warn({ err: (err as Error).message, venues: batch.length }, 'predictor call failed');
        for (const v of batch) failed.add(v.venueId ?? '');
      }
    }),
  );
  return { fresh, failed };
}

/** `trace`: the request's span; the gRPC call carries it on as `traceparent` metadata. */
export function createForecastLoader(source: ForecastSource, trace?: TraceContext): ForecastLoader {
  return new DataLoader<ForecastKey, CachedPoint[], string>(
    async (keys) => {
      const now = source.now();
      const venues = new Map<string, VenueRef>();
      const needed = new Map<string, number>();
      for (const k of keys) {
        if (!venues.has(k.venue.id)) venues.set(k.venue.id, k.venue);
        needed.set(k.venue.id, Math.max(needed.get(k.venue.id) ?? 0, k.hours));
      }
      const venueIds = [...venues.keys()];
      source.watch?.([...venues.values()]);

      const cached = new Map<string, CachedForecast | null>();
      try {
        const values = await readForecasts(source.redis, venueIds);
        venueIds.forEach((id, i) => cached.set(id, values[i] ?? null));
      } catch (err) {
        // The cache is an optimisation: without Redis, ask the predictor.
        source.logger.warn({ err: (err as Error).message }, 'forecast cache read failed');
      }
      const missing: string[] = [];
      const due: DueForecast[] = [];
      let dueHours = 0;
      for (const id of venueIds) {
        const forecast = cached.get(id) ?? null;
        if (!forecastWindow(forecast, now, needed.get(id)!)) missing.push(id);
        else if (source.revalidation && isDue(forecast!, now, cacheLifetime(source, forecast!))) {
          due.push({ venue: venues.get(id)!, generatedAt: forecast!.generatedAt });
          dueHours = Math.max(dueHours, needed.get(id)!);
        }
      }
      // Answered from the cache now, replaced for the requests after this one.
      if (due.length > 0) source.revalidation!.start(due, fetchHorizon(source.fetchHours, dueHours), trace);

      let failed = new Set<string>();
      if (missing.length > 0) {
        const horizon = fetchHorizon(source.fetchHours, Math.max(...missing.map((id) => needed.get(id)!)));
        const result = await forecastAndCache(
          source,
          missing.map((id) => toVenueInput(venues.get(id)!)),
          horizon,
          { trace, logger: source.logger },
        );
        for (const [id, forecast] of result.fresh) cached.set(id, forecast);
        failed = result.failed;
      }

      return keys.map((k) => {
        if (failed.has(k.venue.id)) return unavailable();
        return forecastWindow(cached.get(k.venue.id) ?? null, now, k.hours) ?? unavailable();
      });
    },
    { cacheKeyFn: (k) => `${k.venue.id}:${k.hours}` },
  );
}
