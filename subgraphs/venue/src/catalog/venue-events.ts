// `venue.events` (docs/events.md): one event per catalogue change, written to the outbox in the
// transaction of the change, carrying the venue as it is afterwards.
import { randomUUID } from 'node:crypto';
import type { VenueEvent } from '@sport-venue/shared';
import { readOpeningHours } from './opening-hours.ts';
import type { VenueFields } from './venue-input.ts';
import { venueSports } from './venue-input.ts';
import type { VenueRow } from './venue-store.ts';

/** The venue as every venue event (and the search index) describes it. */
export function venueSnapshot(venue: VenueRow): VenueEvent['venue'] {
  return {
    cityCode: venue.cityCode,
    cityName: venue.city?.name ?? '',
    name: venue.name,
    address: venue.address,
    lat: venue.lat,
    lng: venue.lng,
    sports: venueSports(venue.sports),
    capacity: venue.capacity,
    timeZone: venue.timeZone,
    openingHours: readOpeningHours(venue.openingHours),
    version: venue.updatedAt.getTime(),
  };
}

export function venueEvent(
  type: VenueEvent['type'],
  venue: VenueRow,
  changes: ReadonlyArray<keyof VenueFields | string>,
  at = new Date(),
): VenueEvent {
  return {
    v: 1,
    id: randomUUID(),
    type,
    venueId: venue.id.toString(),
    changes: [...changes],
    at: at.toISOString(),
    venue: venueSnapshot(venue),
  };
}
