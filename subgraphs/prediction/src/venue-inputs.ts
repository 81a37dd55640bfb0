/**
 * The venue as the router hands it to this subgraph (the fields `@requires` names, owned by the
 * venue subgraph) → the model server's VenueInput. Pure.
 */
import { decodeHourlySeries, decodeOpeningSpans, type OpeningSpanItem } from '@sport-venue/shared';
import type { VenueInputMessage } from './predictor-proto.ts';

const HOUR_MS = 3_600_000;

// The same few hundred hours recur in every venue's history and bookings: format each once.
const isoHours = new Map<number, string>();
function isoHour(ms: number): string {
  let iso = isoHours.get(ms);
  if (iso === undefined) {
    if (isoHours.size >= 10_000) isoHours.clear();
    iso = new Date(ms).toISOString();
    isoHours.set(ms, iso);
  }
  return iso;
}

export interface VenueRef {
  id: string;
  timeZone?: string;
  capacity?: number | null;
  sports?: string[];
  location?: { lat: number; lng: number };
  forecastInputs?: {
    currentHour: string;
    /** Comma-separated hourly means before currentHour (shared hourly-series.ts). */
    hourlyOccupancy: string;
    /** Comma-separated booked seats from currentHour on. */
    hourlyBookings: string;
    /** `weekday:openMinute-closeMinute` items, comma-separated (shared opening-spans.ts). */
    openingSpans?: string;
  };
}

// Mainland China's zones: statutory holidays with 调休 working days (the model's 'CN' calendar).
const CHINA_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi', 'PRC']);

/**
 * Holiday region the model should use, when the zone alone says it; otherwise the model falls back
 * to the artifact's region for the venue (the Swiss data carries its canton there).
 */
export function holidayRegionFor(timeZone: string | undefined): string | undefined {
  return timeZone && CHINA_ZONES.has(timeZone) ? 'CN' : undefined;
}

// A malformed series degrades to "no history" (the seasonal profile), never to an error.
function decodeOrEmpty(text: string | undefined): Array<number | null> {
  try {
    return decodeHourlySeries(text ?? '');
  } catch {
    return [];
  }
}

// Malformed opening hours count as unknown (forecast without closed hours), never as an error.
function openingSpansOf(venue: VenueRef): OpeningSpanItem[] {
  try {
    return decodeOpeningSpans(venue.forecastInputs?.openingSpans ?? '');
  } catch {
    return [];
  }
}

export function toVenueInput(venue: VenueRef): VenueInputMessage {
  const input: VenueInputMessage = { venueId: venue.id };
  if (venue.timeZone) input.timeZone = venue.timeZone;
  const region = holidayRegionFor(venue.timeZone);
  if (region) input.region = region;
  if (venue.capacity && venue.capacity > 0) input.capacity = venue.capacity;
  // The first listed sport is the venue's main one (the cold start compares venues by it).
  if (venue.sports?.[0]) input.sport = venue.sports[0];
  if (venue.location) {
    input.latitude = venue.location.lat;
    input.longitude = venue.location.lng;
  }
  const spans = openingSpansOf(venue);
  if (spans.length > 0) input.openingHours = spans;
  const inputs = venue.forecastInputs;
  const current = inputs ? Date.parse(inputs.currentHour) : Number.NaN;
  if (inputs && Number.isFinite(current)) {
    const history = decodeOrEmpty(inputs.hourlyOccupancy);
    const n = history.length;
    // Unknown hours are left out rather than sent as 0: absent means "no data" to the model.
    input.history = history.flatMap((occupancy, i) =>
      occupancy === null ? [] : [{ at: isoHour(current - (n - i) * HOUR_MS), occupancy }],
    );
    input.bookings = decodeOrEmpty(inputs.hourlyBookings).flatMap((count, i) =>
      count !== null && count > 0 ? [{ at: isoHour(current + i * HOUR_MS), count }] : [],
    );
  }
  return input;
}

/** Whether the venue has opening hours at all (without them "closed" is guessed from the forecast). */
export const hasOpeningHours = (venue: VenueRef) => openingSpansOf(venue).length > 0;
