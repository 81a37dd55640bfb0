import { badInput, InputReason } from '@sport-venue/shared';
import { HOUR_MS, MINUTE_MS } from '../clock.ts';

export type BookingStatus =
  'CONFIRMED' | 'CANCELLED' | 'LATE_CANCELLED' | 'CHECKED_IN' | 'COMPLETED' | 'NO_SHOW';

// The booking state machine. A cancelled booking may be confirmed again (the same person books the
// same slot again); everything else only moves forward.
const TRANSITIONS: Record<BookingStatus, readonly BookingStatus[]> = {
  CONFIRMED: ['CANCELLED', 'LATE_CANCELLED', 'CHECKED_IN', 'NO_SHOW'],
  CANCELLED: ['CONFIRMED'],
  LATE_CANCELLED: ['CONFIRMED'],
  CHECKED_IN: ['COMPLETED'],
  COMPLETED: [],
  NO_SHOW: [],
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses that hold a seat. */
export const SEAT_HOLDING: readonly BookingStatus[] = ['CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW'];

export function freeCancellationUntil(slotStart: Date, freeCancelHours: number): Date {
  return new Date(slotStart.getTime() - freeCancelHours * HOUR_MS);
}

/**
 * Cancelling is free until `freeCancelHours` before the slot, LATE_CANCELLED after that (the seat
 * is still released), and impossible once the slot has started.
 */
export function cancellationOutcome(
  slotStart: Date,
  now: Date,
  freeCancelHours: number,
): 'CANCELLED' | 'LATE_CANCELLED' | 'CLOSED' {
  if (now.getTime() >= slotStart.getTime()) return 'CLOSED';
  return now.getTime() < freeCancellationUntil(slotStart, freeCancelHours).getTime()
    ? 'CANCELLED'
    : 'LATE_CANCELLED';
}

export interface SlotInput {
  resource: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
}

export interface ValidSlot {
  resource: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
}

const MAX_SLOT_MS = 24 * HOUR_MS;

export function parseInstant(value: string, field: string): Date {
  // ISO 8601 with an explicit zone only: a bare local time would depend on the server's zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    throw badInput(
      `${field} must be an ISO 8601 instant with a zone, e.g. 2026-12-01T10:00:00+08:00`,
      field,
      {
        reason: InputReason.INSTANT,
      },
    );
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw badInput(`${field} is not a valid instant`, field, { reason: InputReason.INSTANT });
  return at;
}

export function validateSlot(input: SlotInput, now: Date): ValidSlot {
  const resource = input.resource.trim();
  if (!/^[\p{L}\p{N} ._#-]{1,64}$/u.test(resource))
    throw badInput('resource must be 1–64 letters, digits, spaces or . _ # -', 'resource', {
      reason: InputReason.FORMAT,
      format: 'RESOURCE',
      value: resource,
    });
  const startsAt = parseInstant(input.startsAt, 'startsAt');
  const endsAt = parseInstant(input.endsAt, 'endsAt');
  if (
    endsAt.getTime() - startsAt.getTime() < 5 * MINUTE_MS ||
    endsAt.getTime() - startsAt.getTime() > MAX_SLOT_MS
  )
    throw badInput('a slot lasts between 5 minutes and 24 hours', 'endsAt', {
      reason: InputReason.DURATION,
      minMinutes: 5,
      maxMinutes: 24 * 60,
    });
  if (startsAt.getTime() <= now.getTime())
    throw badInput('a slot must start in the future', 'startsAt', { reason: InputReason.IN_THE_PAST });
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 10_000)
    throw badInput('capacity must be between 1 and 10000', 'capacity', {
      reason: InputReason.INTEGER_RANGE,
      min: 1,
      max: 10_000,
    });
  return { resource, startsAt, endsAt, capacity: input.capacity };
}
