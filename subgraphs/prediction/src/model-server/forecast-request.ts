/**
 * Validation of a Forecast request and its translation into packages/forecast `predict()`
 * requests. Pure: the gRPC handler maps a thrown InvalidForecastRequest to INVALID_ARGUMENT.
 */
import type { PredictRequest } from '@sport-venue/forecast';
import { assertTimeZone, isHolidayRegion } from '@sport-venue/forecast';
import { MAX_HORIZON_HOURS, MAX_VENUES_PER_CALL, type ForecastRequestMessage } from '../predictor-proto.ts';

export class InvalidForecastRequest extends Error {
  override name = 'InvalidForecastRequest';
}

export interface ParsedForecastRequest {
  origin: Date;
  horizonHours: number;
  venues: Array<
    Omit<PredictRequest, 'origin' | 'horizonHours'> & { location?: { lat: number; lng: number } }
  >;
}

const HOUR_MS = 3_600_000;

export function parseForecastRequest(message: ForecastRequestMessage, now: Date): ParsedForecastRequest {
  const venues = message.venues ?? [];
  if (venues.length === 0) throw new InvalidForecastRequest('venues: at least one venue is required');
  if (venues.length > MAX_VENUES_PER_CALL)
    throw new InvalidForecastRequest(`venues: at most ${MAX_VENUES_PER_CALL} per call, got ${venues.length}`);
  const horizon = message.horizonHours ?? 0;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON_HOURS)
    throw new InvalidForecastRequest(`horizon_hours: must be 1..${MAX_HORIZON_HOURS}, got ${horizon}`);
  let origin = now;
  if (message.startTime) {
    const ms = Date.parse(message.startTime);
    if (!Number.isFinite(ms)) throw new InvalidForecastRequest('start_time: must be an ISO 8601 instant');
    origin = new Date(ms);
  }
  origin = new Date(Math.floor(origin.getTime() / HOUR_MS) * HOUR_MS);
  return {
    origin,
    horizonHours: horizon,
    venues: venues.map((v, i) => {
      const venue = v.venueId ?? '';
      if (!venue) throw new InvalidForecastRequest(`venues[${i}].venue_id: required`);
      if (v.timeZone) {
        try {
          assertTimeZone(v.timeZone);
        } catch {
          throw new InvalidForecastRequest(`venues[${i}].time_zone: unknown time zone "${v.timeZone}"`);
        }
      }
      if (v.region && !isHolidayRegion(v.region))
        throw new InvalidForecastRequest(`venues[${i}].region: unknown holiday region "${v.region}"`);
      const history = (v.history ?? []).map((p, j) => {
        const at = Date.parse(p.at ?? '');
        if (!Number.isFinite(at))
          throw new InvalidForecastRequest(`venues[${i}].history[${j}].at: invalid instant`);
        return { at: new Date(at), occupancy: p.occupancy ?? null };
      });
      const bookings = (v.bookings ?? []).map((b, j) => {
        const at = Date.parse(b.at ?? '');
        if (!Number.isFinite(at))
          throw new InvalidForecastRequest(`venues[${i}].bookings[${j}].at: invalid instant`);
        return { at: new Date(at), count: b.count ?? 0 };
      });
      const openingHours = (v.openingHours ?? []).map((s, j) => {
        const span = {
          weekday: s.weekday ?? 0,
          openMinute: s.openMinute ?? 0,
          closeMinute: s.closeMinute ?? 0,
        };
        if (span.weekday < 1 || span.weekday > 7)
          throw new InvalidForecastRequest(`venues[${i}].opening_hours[${j}].weekday: must be 1..7`);
        if (span.openMinute >= 1440 || span.closeMinute <= span.openMinute || span.closeMinute > 2880)
          throw new InvalidForecastRequest(
            `venues[${i}].opening_hours[${j}]: need open_minute < 1440 and open_minute < close_minute <= 2880`,
          );
        return span;
      });
      const hasLocation = v.latitude !== undefined || v.longitude !== undefined;
      if (
        hasLocation &&
        !(Math.abs(v.latitude ?? Number.NaN) <= 90 && Math.abs(v.longitude ?? Number.NaN) <= 180)
      )
        throw new InvalidForecastRequest(`venues[${i}]: latitude/longitude must both be set and in range`);
      return {
        venue,
        ...(hasLocation ? { location: { lat: v.latitude!, lng: v.longitude! } } : {}),
        ...(v.timeZone ? { timeZone: v.timeZone } : {}),
        ...(history.length > 0 ? { history } : {}),
        ...(bookings.length > 0 ? { bookings } : {}),
        ...(openingHours.length > 0 ? { openingHours } : {}),
        ...(v.capacity ? { capacity: v.capacity } : {}),
        ...(v.region && isHolidayRegion(v.region) ? { region: v.region } : {}),
        ...(v.sport ? { sport: v.sport.slice(0, 64) } : {}),
      };
    }),
  };
}
