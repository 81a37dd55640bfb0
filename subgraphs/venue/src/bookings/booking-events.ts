import { randomUUID } from 'node:crypto';
import type { BookingEvent } from '@sport-venue/shared';
import type { Booking, BookingSlot } from '../generated/prisma/client.ts';
import { encodeScopedId } from '../catalog/scoped-id.ts';

/** The `booking.events` v1 message for a booking that just became `type`. */
export function bookingEvent(
  type: BookingEvent['type'],
  b: Booking & { slot: BookingSlot },
  at: Date,
  id: string = randomUUID(),
): BookingEvent {
  return {
    v: 1,
    id,
    type,
    bookingId: encodeScopedId(b.venueId, b.id),
    slotId: encodeScopedId(b.venueId, b.slotId),
    venueId: b.venueId.toString(),
    userId: b.userId.toString(),
    slotStart: b.slot.startsAt.toISOString(),
    slotEnd: b.slot.endsAt.toISOString(),
    at: at.toISOString(),
  };
}
