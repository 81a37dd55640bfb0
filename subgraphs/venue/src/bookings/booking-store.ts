// MariaDB adapter for bookings. Every transaction stays on one venue's shard (the venue id comes
// from the scoped booking/slot id). Seats are taken by a conditional UPDATE (booked < capacity):
// the row lock it takes also serialises everything else about that slot until commit.
//
// A burst on one popular slot (everyone books at 9:00) queues on that row lock while holding pool
// connections. Three things keep it an orderly queue rather than a pile of internal errors:
// - a plain read first: a slot already full is answered SLOT_FULL with no transaction at all;
// - READ COMMITTED: once the slot is full, a loser's UPDATE sees the committed `booked = capacity`
//   without waiting for the lock (InnoDB's semi-consistent read), so losers answer SLOT_FULL at
//   once instead of queueing behind every winner;
// - a transaction waits at most `maxWaitMs` for a connection (a plain read, the driver pool's
//   acquire timeout), then the booking is shed as SERVICE_BUSY (retryable, HTTP 503 at the
//   router), never an INTERNAL_SERVER_ERROR.
import {
  badInput,
  isDatabaseBusy,
  isUniqueViolation,
  nextId,
  retryOnLockConflict,
  serviceBusy,
  type BookingEvent,
} from '@sport-venue/shared';
import { Prisma, type Booking, type BookingSlot, type PrismaClient } from '../generated/prisma/client.ts';
import { byVenue } from '../catalog/venue-list-loaders.ts';
import { SEAT_HOLDING, canTransition, type BookingStatus, type ValidSlot } from './booking-rules.ts';
import { insertOutbox } from '../outbox/outbox.ts';
import { bookingEvent } from './booking-events.ts';
import {
  alreadyBooked,
  bookingClosed,
  bookingNotCancellable,
  bookingNotFound,
  cancellationClosed,
  slotFull,
  slotNotFound,
} from '../catalog/venue-errors.ts';

export type SlotRow = BookingSlot;
export type BookingRow = Booking & { slot: BookingSlot };

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

function queueEvent(tx: Tx, topic: string, event: BookingEvent) {
  return insertOutbox(tx, {
    id: event.id,
    venueId: event.venueId,
    topic,
    key: event.venueId,
    payload: event,
  });
}

/** A booking transaction runs at most this often when InnoDB keeps picking it as a deadlock victim. */
const LOCK_CONFLICT_ATTEMPTS = 3;

/** Once started, a booking transaction is a handful of statements; this bounds a stuck one. */
const TX_TIMEOUT_MS = 15_000;

/** One booking transaction: retried on lock conflicts, shed as SERVICE_BUSY when no connection frees up. */
async function bookingTransaction<T>(
  db: PrismaClient,
  maxWaitMs: number,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return shedWhenBusy(maxWaitMs, () =>
    retryOnLockConflict(
      () =>
        db.$transaction(fn, {
          isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
          maxWait: maxWaitMs,
          timeout: TX_TIMEOUT_MS,
        }),
      LOCK_CONFLICT_ATTEMPTS,
    ),
  );
}

/** Database work that found no free connection in time becomes SERVICE_BUSY (nothing was written). */
async function shedWhenBusy<T>(maxWaitMs: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isDatabaseBusy(err)) throw serviceBusy(Math.max(1, Math.ceil(maxWaitMs / 1000)));
    throw err;
  }
}

export async function createSlots(db: PrismaClient, venueId: bigint, slots: ValidSlot[]): Promise<SlotRow[]> {
  try {
    return await db.$transaction(
      slots.map((s) => db.bookingSlot.create({ data: { id: nextId(), venueId, ...s } })),
    );
  } catch (err) {
    if (isUniqueViolation(err))
      throw badInput('a slot of this resource already starts at that time', 'slots');
    throw err;
  }
}

/** Slots of the venues in [from, to), grouped by venue (at most 1,000 each), in one query. */
export async function slotsBetween(
  db: PrismaClient,
  venueIds: readonly bigint[],
  from: Date,
  to: Date,
): Promise<Map<string, SlotRow[]>> {
  const rows = await db.bookingSlot.findMany({
    where: { venueId: { in: [...venueIds] }, startsAt: { gte: from, lt: to } },
    orderBy: [{ startsAt: 'asc' }, { resource: 'asc' }],
    take: 1_000 * venueIds.length,
  });
  return byVenue(rows, 1_000);
}

export async function bookSeat(
  db: PrismaClient,
  args: { venueId: bigint; slotId: bigint; userId: bigint; now: Date; topic: string; maxWaitMs: number },
): Promise<BookingRow> {
  const { venueId, slotId, userId, now, topic } = args;
  const key = { venueId_slotId_userId: { venueId, slotId, userId } };
  /** Why the seat cannot be taken (the slot is full, has started, or is unknown). */
  const refusal = async (reader: Pick<Tx, 'bookingSlot' | 'booking'>) => {
    const slot = await reader.bookingSlot.findFirst({ where: { id: slotId, venueId } });
    if (!slot) return slotNotFound();
    const mine = await reader.booking.findUnique({ where: key });
    if (mine && SEAT_HOLDING.includes(mine.status as BookingStatus)) return alreadyBooked();
    return slot.startsAt.getTime() <= now.getTime() ? bookingClosed() : slotFull();
  };
  // Most of a burst arrives after the last seat went: one plain read answers them, with no
  // transaction and no wait on the slot's lock. A stale "free" only costs the transaction below,
  // which decides.
  const seen = await shedWhenBusy(args.maxWaitMs, () =>
    db.bookingSlot.findFirst({
      where: { id: slotId, venueId },
      select: { booked: true, capacity: true, startsAt: true },
    }),
  );
  if (!seen || seen.booked >= seen.capacity || seen.startsAt.getTime() <= now.getTime())
    throw await shedWhenBusy(args.maxWaitMs, () => refusal(db));
  return bookingTransaction(db, args.maxWaitMs, async (tx) => {
    const took = await tx.$executeRaw`
        UPDATE BookingSlot SET booked = booked + 1
        WHERE id = ${slotId} AND venueId = ${venueId} AND booked < capacity AND startsAt > ${now}`;
    if (took === 0) throw await refusal(tx);
    // From here the slot row is locked by this transaction: reading the booking is race-free.
    const mine = await tx.booking.findUnique({ where: key });
    let booking: BookingRow;
    if (!mine) {
      booking = await tx.booking.create({
        data: { id: nextId(), venueId, slotId, userId, status: 'CONFIRMED', confirmedAt: now },
        include: { slot: true },
      });
    } else if (canTransition(mine.status as BookingStatus, 'CONFIRMED')) {
      booking = await tx.booking.update({
        where: key,
        data: { status: 'CONFIRMED', confirmedAt: now, cancelledAt: null },
        include: { slot: true },
      });
    } else {
      throw alreadyBooked(); // rolls the seat back
    }
    await queueEvent(tx, topic, bookingEvent('CONFIRMED', booking, now));
    return booking;
  });
}

/**
 * Cancels a CONFIRMED booking as `outcome` (CANCELLED or LATE_CANCELLED, from the cancellation
 * window) and gives the seat back. Cancelling an already cancelled booking returns it unchanged.
 */
export async function cancelSeat(
  db: PrismaClient,
  args: {
    venueId: bigint;
    bookingId: bigint;
    now: Date;
    topic: string;
    maxWaitMs: number;
    outcomeFor: (slotStart: Date) => 'CANCELLED' | 'LATE_CANCELLED' | 'CLOSED';
    mayCancel: (booking: BookingRow) => boolean;
  },
): Promise<{ booking: BookingRow; changed: boolean }> {
  const { venueId, bookingId, now, topic } = args;
  return bookingTransaction(db, args.maxWaitMs, async (tx) => {
    // Booking row first, then the slot row (seat release): the reverse of bookSeat. They can only
    // meet on one person's own booking (re-book racing cancel); InnoDB then picks a deadlock victim
    // and retryOnLockConflict runs it again.
    const locked = await tx.$queryRaw<Array<{ id: bigint }>>`
        SELECT id FROM Booking WHERE id = ${bookingId} AND venueId = ${venueId} FOR UPDATE`;
    const booking = locked.length
      ? await tx.booking.findUnique({ where: { id: bookingId }, include: { slot: true } })
      : null;
    if (!booking || !args.mayCancel(booking)) throw bookingNotFound();
    const status = booking.status as BookingStatus;
    if (status === 'CANCELLED' || status === 'LATE_CANCELLED') return { booking, changed: false };
    const outcome = args.outcomeFor(booking.slot.startsAt);
    if (!canTransition(status, 'CANCELLED')) throw bookingNotCancellable(status);
    if (outcome === 'CLOSED') throw cancellationClosed();
    await tx.$executeRaw`
        UPDATE BookingSlot SET booked = booked - 1 WHERE id = ${booking.slotId} AND venueId = ${venueId} AND booked > 0`;
    const updated = await tx.booking.update({
      where: { id: bookingId },
      data: { status: outcome, cancelledAt: now },
      include: { slot: true },
    });
    await queueEvent(tx, topic, bookingEvent(outcome, updated, now));
    return { booking: updated, changed: true };
  });
}

export function bookingsOfUser(
  db: PrismaClient,
  userId: bigint,
  { upcomingAfter, first }: { upcomingAfter: Date | null; first: number },
): Promise<BookingRow[]> {
  return db.booking.findMany({
    where: { userId, ...(upcomingAfter ? { slot: { endsAt: { gt: upcomingAfter } } } : {}) },
    include: { slot: true },
    orderBy: { slot: { startsAt: upcomingAfter ? 'asc' : 'desc' } },
    take: first,
  });
}

/** Bookings of the venues' slots in [from, to), grouped by venue (at most 5,000 each), in one query. */
export async function bookingsOfVenues(
  db: PrismaClient,
  venueIds: readonly bigint[],
  from: Date,
  to: Date,
): Promise<Map<string, BookingRow[]>> {
  const rows = await db.booking.findMany({
    where: { venueId: { in: [...venueIds] }, slot: { startsAt: { gte: from, lt: to } } },
    include: { slot: true },
    orderBy: [{ slot: { startsAt: 'asc' } }, { id: 'asc' }],
    take: 5_000 * venueIds.length,
  });
  return byVenue(rows, 5_000);
}
