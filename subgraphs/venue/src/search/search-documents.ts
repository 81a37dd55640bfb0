// What the search index holds for a venue, and the weekly opening ranges the open-now filter
// matches against.
import type { VenueEvent } from '@sport-venue/shared';
import type { OpeningHours } from '../catalog/opening-hours.ts';

export const WEEK_MINUTES = 7 * 1440;

export interface VenueDocument {
  venueId: string;
  cityCode: string;
  cityName: string;
  name: string;
  address: string;
  sports: string[];
  location: { lat: number; lon: number };
  capacity: number | null;
  timeZone: string;
  /** Open spans as [gte, lt) minutes after local Monday 00:00, wrapped at the end of the week. */
  openWeek: Array<{ gte: number; lt: number }>;
  version: number;
}

/** Local-time spans of each ISO weekday as ranges of minute-of-week; Sunday night wraps to Monday. */
export function openWeekRanges(hours: OpeningHours): Array<{ gte: number; lt: number }> {
  const out: Array<{ gte: number; lt: number }> = [];
  for (const [day, spans] of Object.entries(hours)) {
    const base = (Number(day) - 1) * 1440;
    for (const [open, close] of spans) {
      const start = base + open;
      const end = base + close;
      if (end <= WEEK_MINUTES) out.push({ gte: start, lt: end });
      else {
        out.push({ gte: start, lt: WEEK_MINUTES });
        out.push({ gte: 0, lt: end - WEEK_MINUTES });
      }
    }
  }
  return out.sort((a, b) => a.gte - b.gte);
}

export function venueDocument(venueId: string, venue: VenueEvent['venue']): VenueDocument {
  return {
    venueId,
    cityCode: venue.cityCode,
    cityName: venue.cityName,
    name: venue.name,
    address: venue.address,
    sports: venue.sports,
    location: { lat: venue.lat, lon: venue.lng },
    capacity: venue.capacity,
    timeZone: venue.timeZone,
    openWeek: openWeekRanges(venue.openingHours),
    version: venue.version,
  };
}
