// Stable `extensions.code` values of the venue subgraph (add, never rename).
import { domainError } from '@sport-venue/shared';

export const venueNotFound = () => domainError('VENUE_NOT_FOUND', 'venue not found');
export const outsideGeofence = (distanceM: number, radiusM: number) =>
  domainError('OUTSIDE_GEOFENCE', 'you are too far from the venue to check in', {
    distanceM: Math.round(distanceM),
    radiusM,
  });
export const locationTooInaccurate = (accuracyM: number, maxAccuracyM: number) =>
  domainError('LOCATION_TOO_INACCURATE', 'location is not accurate enough to check in', {
    accuracyM,
    maxAccuracyM,
  });
export const venueClosed = () => domainError('VENUE_CLOSED', 'the venue is closed now');
export const alreadyCheckedIn = (sessionId?: string) =>
  domainError('ALREADY_CHECKED_IN', 'already checked in at this venue', sessionId ? { sessionId } : {});
export const notCheckedIn = () => domainError('NOT_CHECKED_IN', 'not checked in at this venue');
export const rateLimited = (retryAfterMs?: number) =>
  domainError('RATE_LIMITED', 'too many check-ins and check-outs; try again later', {
    retryAfterS: Math.max(1, Math.ceil((retryAfterMs ?? 1_000) / 1000)),
  });
export const implausibleTravel = (distanceM?: number) =>
  domainError('IMPLAUSIBLE_TRAVEL', 'you could not have travelled here this fast since your last check-in', {
    distanceM,
  });
export const slotNotFound = () => domainError('SLOT_NOT_FOUND', 'booking slot not found');
export const slotFull = () => domainError('SLOT_FULL', 'this slot is fully booked');
export const bookingClosed = () => domainError('BOOKING_CLOSED', 'this slot has already started');
export const alreadyBooked = () => domainError('ALREADY_BOOKED', 'you already booked this slot');
export const bookingNotFound = () => domainError('BOOKING_NOT_FOUND', 'booking not found');
export const cancellationClosed = () =>
  domainError('CANCELLATION_CLOSED', 'the slot has started; the booking can no longer be cancelled');
export const bookingNotCancellable = (status: string) =>
  domainError('BOOKING_NOT_CANCELLABLE', `a ${status} booking cannot be cancelled`, { status });
