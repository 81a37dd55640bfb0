// What a venue's operators (and admins) read about it in the console: its check-in history, its
// booking statistics and the list of venues they operate. Authorised here, in the subgraph that
// owns the data: an operator of other venues gets FORBIDDEN.
import {
  badInput,
  forbidden,
  hasRole,
  requireVenueOperator,
  requireViewer,
  type Viewer,
} from '@sport-venue/shared';
import { parseInstant } from './bookings/booking-rules.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { parseVenueId } from './catalog/venue-store.ts';

export const MAX_HISTORY_RANGE_DAYS = 92;
const DAY_MS = 86_400_000;

export interface CheckInRecord {
  id: string;
  userId: bigint;
  source: string;
  counted: boolean;
  startedAt: Date;
  endedAt: Date | null;
  minutes: number | null;
  endReason: string | null;
}

/** Keyset cursor over (startedAt desc, id desc): stable while new check-ins arrive. */
export function encodeCheckInCursor(row: { startedAt: Date; id: string }): string {
  return Buffer.from(`checkin:${row.startedAt.getTime()}:${row.id}`).toString('base64url');
}

export function decodeCheckInCursor(cursor: string): { startedAt: Date; id: string } {
  const match = /^checkin:(\d{1,15}):([0-9a-f-]{1,36})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match) throw badInput('invalid cursor', 'after');
  return { startedAt: new Date(Number(match[1])), id: match[2]! };
}

export function historyRange(from: string, to: string): { from: Date; to: Date } {
  const start = parseInstant(from, 'from');
  const end = parseInstant(to, 'to');
  if (end.getTime() <= start.getTime() || end.getTime() - start.getTime() > MAX_HISTORY_RANGE_DAYS * DAY_MS)
    throw badInput(`to must be after from, at most ${MAX_HISTORY_RANGE_DAYS} days later`, 'to');
  return { from: start, to: end };
}

export async function checkInHistory(
  db: PrismaClient,
  viewer: Viewer | null,
  venueId: bigint,
  args: { from: string; to: string; first: number; after?: string | null },
) {
  requireVenueOperator(viewer, venueId.toString());
  const range = historyRange(args.from, args.to);
  const inRange = { venueId, startedAt: { gte: range.from, lt: range.to } };
  const after = args.after ? decodeCheckInCursor(args.after) : null;
  const [rows, totalCount] = await Promise.all([
    db.checkIn.findMany({
      where: {
        ...inRange,
        ...(after
          ? {
              OR: [
                { startedAt: { lt: after.startedAt } },
                { startedAt: after.startedAt, id: { lt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: args.first + 1,
    }),
    db.checkIn.count({ where: inRange }),
  ]);
  const page = rows.slice(0, args.first);
  const edges = page.map((node) => ({ cursor: encodeCheckInCursor(node), node: node as CheckInRecord }));
  return {
    edges,
    totalCount,
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

export interface BookingStats {
  slots: number;
  seats: number;
  booked: number;
  fillRate: number | null;
  noShows: number;
  noShowRate: number | null;
  cancelled: number;
  lateCancelled: number;
}

const HOLDING = new Set(['CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW']);

/** Pure: statistics of the slots (capacity, whether they have ended) and booking statuses. */
export function summariseBookings(
  slots: Array<{ capacity: number }>,
  bookings: Array<{ status: string; slotEnded: boolean }>,
): BookingStats {
  const seats = slots.reduce((sum, s) => sum + s.capacity, 0);
  const booked = bookings.filter((b) => HOLDING.has(b.status)).length;
  const ended = bookings.filter((b) => b.slotEnded && HOLDING.has(b.status));
  const noShows = bookings.filter((b) => b.status === 'NO_SHOW').length;
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    slots: slots.length,
    seats,
    booked,
    fillRate: seats > 0 ? round(booked / seats) : null,
    noShows,
    noShowRate: ended.length > 0 ? round(noShows / ended.length) : null,
    cancelled: bookings.filter((b) => b.status === 'CANCELLED').length,
    lateCancelled: bookings.filter((b) => b.status === 'LATE_CANCELLED').length,
  };
}

export async function bookingStats(
  db: PrismaClient,
  viewer: Viewer | null,
  venueId: bigint,
  range: { from: Date; to: Date },
  now: Date,
): Promise<BookingStats> {
  requireVenueOperator(viewer, venueId.toString());
  const slotWhere = { venueId, startsAt: { gte: range.from, lt: range.to } };
  const [slots, bookings] = await Promise.all([
    db.bookingSlot.findMany({ where: slotWhere, select: { capacity: true } }),
    db.booking.findMany({
      where: { venueId, slot: slotWhere },
      select: { status: true, slot: { select: { endsAt: true } } },
    }),
  ]);
  return summariseBookings(
    slots,
    bookings.map((b) => ({ status: b.status, slotEnded: b.slot.endsAt.getTime() <= now.getTime() })),
  );
}

/** The venues a viewer may list in the console: an operator's own, every venue for an admin. */
export function operatedVenueIds(viewer: Viewer | null): bigint[] | null {
  const v = requireViewer(viewer);
  if (hasRole(v, 'ADMIN')) return null;
  if (!hasRole(v, 'VENUE_OPERATOR')) throw forbidden('requires role VENUE_OPERATOR or ADMIN');
  return v.venueIds.flatMap((id) => {
    const parsed = parseVenueId(id);
    return parsed ? [parsed] : [];
  });
}
