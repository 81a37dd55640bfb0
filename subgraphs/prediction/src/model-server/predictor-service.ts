/**
 * gRPC handlers of the model server: Predictor/Forecast and grpc.health.v1.Health/Check.
 * Thin: validation lives in forecast-request.ts, the model in packages/forecast.
 */
import { parseTraceparent } from '@sport-venue/shared';
import * as grpc from '@grpc/grpc-js';
import { forecastVenue } from '@sport-venue/forecast';
import type { Logger } from '@sport-venue/shared';
import {
  PREDICTOR_SERVICE,
  type ForecastRequestMessage,
  type ForecastResponseMessage,
  type ServingStatus,
  type VenueForecastMessage,
} from '../predictor-proto.ts';
import { InvalidForecastRequest, parseForecastRequest } from './forecast-request.ts';
import type { ModelHolder } from './model-holder.ts';
import type { WeatherSource } from './weather-source.ts';

export type ForecastOutcome = 'ok' | 'invalid' | 'unavailable' | 'deadline' | 'cancelled' | 'error';

export interface PredictorServiceOptions {
  holder: ModelHolder;
  logger: Logger;
  now?: () => Date;
  /** Weather near each venue, for artifacts trained with weather (absent: none). */
  weather?: WeatherSource | undefined;
  /** Called once per Forecast call (metrics, and tests counting calls on the server side). */
  onForecast?: (event: { venues: number; outcome: ForecastOutcome }) => void;
}

// Venues predicted between two event-loop turns: predict() is synchronous, so the loop must yield
// now and then for a client's cancellation to be noticed.
const VENUES_PER_TURN = 8;

const statusError = (code: grpc.status, details: string): Partial<grpc.StatusObject> => ({ code, details });

function deadlinePassed(call: grpc.ServerUnaryCall<unknown, unknown>): boolean {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) && Date.now() >= ms;
}

export function predictorHandlers(options: PredictorServiceOptions): grpc.UntypedServiceImplementation {
  const now = options.now ?? (() => new Date());
  const report = (venues: number, outcome: ForecastOutcome) => options.onForecast?.({ venues, outcome });

  async function forecast(
    call: grpc.ServerUnaryCall<ForecastRequestMessage, ForecastResponseMessage>,
  ): Promise<ForecastResponseMessage> {
    const venueCount = call.request.venues?.length ?? 0;
    const source = options.holder.source;
    if (!source) {
      report(venueCount, 'unavailable');
      throw statusError(grpc.status.UNAVAILABLE, 'no model artifact loaded');
    }
    const forecaster = 'kind' in source ? null : source;
    let parsed;
    try {
      parsed = parseForecastRequest(call.request, now());
    } catch (err) {
      if (!(err instanceof InvalidForecastRequest)) throw err;
      report(venueCount, 'invalid');
      throw statusError(grpc.status.INVALID_ARGUMENT, err.message);
    }
    // Weather is fetched for all venues at once, before the synchronous model work; its timeout
    // is far below the caller's deadline, and a failure means "no weather", not an error.
    const weatherSource = forecaster?.manifest.uses.weather ? options.weather : undefined;
    const weather = await Promise.all(
      parsed.venues.map((v) =>
        weatherSource && v.location
          ? weatherSource.around(v.location.lat, v.location.lng, parsed.origin, parsed.horizonHours)
          : undefined,
      ),
    );
    const forecasts: VenueForecastMessage[] = [];
    for (const [i, venue] of parsed.venues.entries()) {
      if (i % VENUES_PER_TURN === 0) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        if (call.cancelled) {
          report(venueCount, 'cancelled');
          throw statusError(grpc.status.CANCELLED, 'cancelled by the client');
        }
        if (deadlinePassed(call)) {
          report(venueCount, 'deadline');
          throw statusError(grpc.status.DEADLINE_EXCEEDED, 'deadline exceeded');
        }
      }
      const { location: _location, ...request } = venue;
      const result = forecastVenue(source, {
        ...request,
        ...(venue.location ? { latitude: venue.location.lat, longitude: venue.location.lng } : {}),
        ...(weather[i] ? { weather: weather[i] } : {}),
        origin: parsed.origin,
        horizonHours: parsed.horizonHours,
      });
      forecasts.push({
        venueId: venue.venue,
        knownVenue: result.known,
        basis: result.basis,
        points: result.points.map((p) => ({
          at: p.at.toISOString(),
          expected: p.expected,
          low: p.low,
          high: p.high,
          level: p.level,
          closed: p.closed,
        })),
      });
    }
    report(venueCount, 'ok');
    return { forecasts, modelVersion: forecaster?.manifest.version ?? 'baseline' };
  }

  return {
    Forecast: (
      call: grpc.ServerUnaryCall<ForecastRequestMessage, ForecastResponseMessage>,
      callback: grpc.sendUnaryData<ForecastResponseMessage>,
    ) => {
      forecast(call).then(
        (response) => callback(null, response),
        (err: unknown) => {
          if (err && typeof err === 'object' && 'code' in err)
            return callback(err as Partial<grpc.StatusObject>);
          // The caller's trace id ties this failure to the GraphQL operation that asked.
          const trace = parseTraceparent(call.metadata.get('traceparent')[0]?.toString());
          options.logger.error({ err, traceId: trace?.traceId }, 'forecast failed');
          report(call.request.venues?.length ?? 0, 'error');
          // The message may hold internals; the client gets a fixed text.
          callback(statusError(grpc.status.INTERNAL, 'forecast failed'));
        },
      );
    },
  };
}

export function healthHandlers(holder: ModelHolder): grpc.UntypedServiceImplementation {
  return {
    Check: (
      call: grpc.ServerUnaryCall<{ service?: string }, { status: ServingStatus }>,
      callback: grpc.sendUnaryData<{ status: ServingStatus }>,
    ) => {
      const service = call.request.service ?? '';
      if (service !== '' && service !== PREDICTOR_SERVICE)
        return callback(statusError(grpc.status.NOT_FOUND, `unknown service "${service}"`));
      callback(null, { status: holder.source ? 'SERVING' : 'NOT_SERVING' });
    },
  };
}
