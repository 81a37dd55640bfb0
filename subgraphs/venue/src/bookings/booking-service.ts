import type { RedisClient } from '@sport-venue/shared';
import {
  badInput,
  InputReason,
  canOperateVenue,
  requireVenueOperator,
  requireViewer,
  type Logger,
  type Viewer,
} from '@sport-venue/shared';
import { cancellationOutcome, parseInstant, validateSlot, type SlotInput } from './booking-rules.ts';
import {
  bookSeat,
  bookingsOfUser,
  cancelSeat,
  createSlots,
  type BookingRow,
  type SlotRow,
} from './booking-store.ts';
import { DAY_MS, type Clock } from '../clock.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { heatWeight } from '../occupancy/heat.ts';
import { addHeat } from '../occupancy/heat-store.ts';
import { localParts } from '../local-time.ts';
import { decodeScopedId } from '../catalog/scoped-id.ts';
import type { VenueCatalog } from '../catalog/venue-catalog.ts';
import { bookingNotFound, slotNotFound, venueNotFound } from '../catalog/venue-errors.ts';
import { pageSize } from '../catalog/pagination.ts';
import { parseVenueId } from '../catalog/venue-store.ts';

export interface BookingServiceDeps {
  db: PrismaClient;
  redis: RedisClient;
  venues: VenueCatalog;
  relay: { wake(): void };
  clock: Clock;
  freeCancelHours: number;
  /** Longest wait for a database connection before a booking is shed as SERVICE_BUSY. */
  txMaxWaitMs: number;
  bookingTopic: string;
  logger: Logger;
}

const MAX_RANGE_MS = 31 * DAY_MS;

export class BookingService {
  readonly #d: BookingServiceDeps;

  constructor(deps: BookingServiceDeps) {
    this.#d = deps;
  }

  get freeCancelHours() {
    return this.#d.freeCancelHours;
  }

  /** [from, to) from optional ISO inputs (the key of the per-request slot loader), defaulting to the next 7 days, at most 31 days long. */
  range(from: string | null | undefined, to: string | null | undefined): { from: Date; to: Date } {
    const start = from ? parseInstant(from, 'from') : this.#d.clock.now();
    const end = to ? parseInstant(to, 'to') : new Date(start.getTime() + 7 * DAY_MS);
    if (end.getTime() <= start.getTime() || end.getTime() - start.getTime() > MAX_RANGE_MS)
      throw badInput('to must be after from, at most 31 days later', 'to', {
        reason: InputReason.INSTANT_ORDER,
        after: 'from',
        maxDays: 31,
      });
    return { from: start, to: end };
  }

  async createSlots(viewer: Viewer | null, venueId: string, inputs: SlotInput[]): Promise<SlotRow[]> {
    requireVenueOperator(viewer, venueId);
    const id = parseVenueId(venueId);
    if (!id || !(await this.#d.venues.get(venueId))) throw venueNotFound();
    if (inputs.length === 0 || inputs.length > 200)
      throw badInput('create 1–200 slots at a time', 'slots', {
        reason: InputReason.COUNT,
        min: 1,
        max: 200,
      });
    const now = this.#d.clock.now();
    return createSlots(
      this.#d.db,
      id,
      inputs.map((s) => validateSlot(s, now)),
    );
  }

  async book(viewer: Viewer | null, slotId: string): Promise<BookingRow> {
    const v = requireViewer(viewer);
    const scoped = decodeScopedId(slotId);
    if (!scoped) throw slotNotFound();
    const now = this.#d.clock.now();
    const booking = await bookSeat(this.#d.db, {
      venueId: scoped.venueId,
      slotId: scoped.localId,
      userId: BigInt(v.userId),
      now,
      topic: this.#d.bookingTopic,
      maxWaitMs: this.#d.txMaxWaitMs,
    });
    this.#d.relay.wake();
    await this.#heat(booking, now, 1);
    return booking;
  }

  async cancel(viewer: Viewer | null, bookingId: string): Promise<BookingRow> {
    const v = requireViewer(viewer);
    const scoped = decodeScopedId(bookingId);
    if (!scoped) throw bookingNotFound();
    const now = this.#d.clock.now();
    const { booking, changed } = await cancelSeat(this.#d.db, {
      venueId: scoped.venueId,
      bookingId: scoped.localId,
      now,
      topic: this.#d.bookingTopic,
      maxWaitMs: this.#d.txMaxWaitMs,
      outcomeFor: (slotStart) => cancellationOutcome(slotStart, now, this.#d.freeCancelHours),
      // Others' bookings are "not found", except for the venue's operators.
      mayCancel: (b) => b.userId.toString() === v.userId || canOperateVenue(v, b.venueId.toString()),
    });
    if (changed) {
      this.#d.relay.wake();
      await this.#heat(booking, booking.confirmedAt, -1);
    }
    return booking;
  }

  myBookings(
    viewer: Viewer | null,
    upcomingOnly: boolean,
    first: number | null | undefined,
  ): Promise<BookingRow[]> {
    const v = requireViewer(viewer);
    return bookingsOfUser(this.#d.db, BigInt(v.userId), {
      upcomingAfter: upcomingOnly ? this.#d.clock.now() : null,
      first: pageSize(first),
    });
  }

  /** The range of a venue's bookings its operator may read (FORBIDDEN for anyone else). */
  bookingsRange(
    viewer: Viewer | null,
    venueId: bigint,
    from: string | null | undefined,
    to: string | null | undefined,
  ) {
    requireVenueOperator(viewer, venueId.toString());
    return this.range(from, to);
  }

  /** Confirmed bookings count toward heat on the (venue-local) day they were confirmed. */
  async #heat(booking: BookingRow, confirmedAt: Date, sign: 1 | -1): Promise<void> {
    try {
      const venue = await this.#d.venues.get(booking.venueId.toString());
      if (!venue) return;
      const weight = heatWeight(localParts(confirmedAt, venue.timeZone).date);
      await addHeat(this.#d.redis, venue.id.toString(), venue.cityCode, sign * weight);
    } catch (err) {
      this.#d.logger.warn({ err }, 'booking heat not updated');
    }
  }
}
