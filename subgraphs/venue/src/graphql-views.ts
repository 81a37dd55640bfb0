// Domain values in the shapes of schema.graphql (ISO strings, scoped ids, venues as loader
// promises). Resolvers stay one line each. `venue` is a getter: it is only loaded when the client
// selects it.
import { freeCancellationUntil } from './bookings/booking-rules.ts';
import type { BookingRow, SlotRow } from './bookings/booking-store.ts';
import type { Context } from './context.ts';
import type { BookingStatus, CheckOutReason } from './generated/graphql.ts';
import type { SessionView } from './presence/presence-service.ts';
import { encodeScopedId } from './catalog/scoped-id.ts';
import { venueNotFound } from './catalog/venue-errors.ts';
import type { VenueRow } from './catalog/venue-store.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function loadVenue(ctx: Context, id: bigint | string): Promise<VenueRow> {
  return ctx.venues.load(String(id)).then((v) => v ?? Promise.reject(venueNotFound()));
}

export function sessionOut(s: SessionView, ctx: Context) {
  return {
    id: s.id,
    get venue() {
      return loadVenue(ctx, s.venueId);
    },
    startedAt: s.startedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    endedAt: iso(s.endedAt),
    minutes: s.minutes,
    endReason: s.endReason as CheckOutReason | null,
    counted: s.counted,
  };
}

export function slotOut(slot: SlotRow, ctx: Context) {
  return {
    id: encodeScopedId(slot.venueId, slot.id),
    get venue() {
      return loadVenue(ctx, slot.venueId);
    },
    resource: slot.resource,
    startsAt: slot.startsAt.toISOString(),
    endsAt: slot.endsAt.toISOString(),
    capacity: slot.capacity,
    booked: slot.booked,
    available: Math.max(0, slot.capacity - slot.booked),
  };
}

export function bookingOut(b: BookingRow, ctx: Context, freeCancelHours: number) {
  return {
    id: encodeScopedId(b.venueId, b.id),
    slot: slotOut(b.slot, ctx),
    userId: b.userId.toString(),
    status: b.status as BookingStatus,
    createdAt: b.createdAt.toISOString(),
    cancelledAt: iso(b.cancelledAt),
    freeCancellationUntil: freeCancellationUntil(b.slot.startsAt, freeCancelHours).toISOString(),
  };
}
