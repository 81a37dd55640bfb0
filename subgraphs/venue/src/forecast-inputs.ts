/**
 * What the prediction subgraph's model needs about a venue and only this subgraph knows:
 * the hourly headcount history and the confirmed bookings ahead. Served as the @inaccessible field
 * `Venue.forecastInputs`, which the prediction subgraph @requires, so the router fetches it here
 * and hands it over — the prediction subgraph never reads this subgraph's tables.
 *
 * Completed hours never change, so a venue's history is cached per (venue, current hour) in the
 * process. Bookings change any time; they are cached for BOOKINGS_FRESH_MS — a forecast that
 * misses the last minute's bookings is as good, and venue lists with forecasts are hot paths.
 */
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';
import { HOUR_MS, MINUTE_MS, type Clock } from './clock.ts';

/** Hours of history before the current hour: what the forecaster's features look back (15 days). */
export const FORECAST_HISTORY_HOURS = 15 * 24;
/** Hours of bookings from the current hour on: the longest forecast horizon. */
export const FORECAST_BOOKING_HOURS = 168;
const BOOKINGS_FRESH_MS = MINUTE_MS;

export interface ForecastInputs {
  /** Start of the current hour (UTC). */
  currentHour: Date;
  /** Mean sampled headcount of each of the FORECAST_HISTORY_HOURS hours before `currentHour`, oldest first; null = no samples. */
  hourlyOccupancy: Array<number | null>;
  /** Seats booked in slots overlapping each of the FORECAST_BOOKING_HOURS hours from `currentHour` on. */
  hourlyBookings: number[];
}

/** Hourly means → a dense series of `hours` values from `from` (missing hours null). */
export function hourlySeries(
  rows: ReadonlyArray<{ hour: number; mean: number }>,
  from: Date,
  hours: number,
): Array<number | null> {
  const out: Array<number | null> = Array.from({ length: hours }, () => null);
  const first = from.getTime() / HOUR_MS;
  for (const r of rows) {
    const i = r.hour - first;
    if (i >= 0 && i < hours) out[i] = Math.round(r.mean * 100) / 100;
  }
  return out;
}

/** Booked seats per hour from `from`: a slot counts in every hour it overlaps. */
export function bookingsPerHour(
  slots: ReadonlyArray<{ startsAt: Date; endsAt: Date; booked: number }>,
  from: Date,
  hours: number,
): number[] {
  const out = Array.from({ length: hours }, () => 0);
  const start = from.getTime();
  for (const s of slots) {
    if (s.booked <= 0) continue;
    const first = Math.max(0, Math.floor((s.startsAt.getTime() - start) / HOUR_MS));
    const last = Math.min(hours - 1, Math.ceil((s.endsAt.getTime() - start) / HOUR_MS) - 1);
    for (let i = first; i <= last; i++) out[i]! += s.booked;
  }
  return out;
}

/** Rows grouped by their venue id (as a string), each group in row order. */
function byVenueId<T extends { venueId: bigint }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = row.venueId.toString();
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(row);
  }
  return groups;
}

export class ForecastInputsSource {
  private readonly history = new Map<string, Array<number | null>>();
  private historyHour = 0;
  private readonly bookings = new Map<string, { hour: number; until: number; perHour: number[] }>();

  private readonly db: PrismaClient;
  private readonly clock: Clock;

  constructor(db: PrismaClient, clock: Clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Inputs of each venue (ids as strings), in order; unknown ids get empty inputs. */
  async load(venueIds: readonly string[]): Promise<ForecastInputs[]> {
    const currentHour = new Date(Math.floor(this.clock.now().getTime() / HOUR_MS) * HOUR_MS);
    if (currentHour.getTime() !== this.historyHour) {
      this.history.clear();
      this.historyHour = currentHour.getTime();
    }
    const ids = venueIds.map((id) => BigInt(id));
    const [history, bookings] = await Promise.all([
      this.loadHistory(ids, currentHour),
      this.loadBookings(ids, currentHour),
    ]);
    return venueIds.map((id) => ({
      currentHour,
      hourlyOccupancy: history.get(id)!,
      hourlyBookings: bookings.get(id)!.perHour,
    }));
  }

  private async loadHistory(ids: bigint[], currentHour: Date) {
    const missing = ids.filter((id) => !this.history.has(id.toString()));
    if (missing.length > 0) {
      const from = new Date(currentHour.getTime() - FORECAST_HISTORY_HOURS * HOUR_MS);
      const rows = await this.db.$queryRaw<Array<{ venueId: bigint; h: bigint | number; mean: unknown }>>`
        SELECT venueId, FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', at) / 3600) AS h, AVG(count) AS mean
        FROM OccupancySample
        WHERE venueId IN (${Prisma.join(missing)}) AND at >= ${from} AND at < ${currentHour}
        GROUP BY venueId, h`;
      const byVenue = byVenueId(
        rows.map((r) => ({ venueId: r.venueId, hour: Number(r.h), mean: Number(r.mean) })),
      );
      for (const id of missing)
        this.history.set(
          id.toString(),
          hourlySeries(byVenue.get(id.toString()) ?? [], from, FORECAST_HISTORY_HOURS),
        );
    }
    return this.history;
  }

  private async loadBookings(ids: bigint[], currentHour: Date) {
    const now = this.clock.now().getTime();
    const hour = currentHour.getTime();
    const stale = ids.filter((id) => {
      const hit = this.bookings.get(id.toString());
      return !hit || hit.hour !== hour || hit.until <= now;
    });
    if (stale.length > 0) {
      const fresh = await this.queryBookings(stale, currentHour);
      if (this.bookings.size > 50_000) this.bookings.clear();
      for (const id of stale) {
        const perHour = fresh.get(id.toString()) ?? Array.from({ length: FORECAST_BOOKING_HOURS }, () => 0);
        this.bookings.set(id.toString(), { hour, until: now + BOOKINGS_FRESH_MS, perHour });
      }
    }
    return this.bookings;
  }

  private async queryBookings(ids: bigint[], currentHour: Date) {
    const to = new Date(currentHour.getTime() + FORECAST_BOOKING_HOURS * HOUR_MS);
    // A slot that started before the current hour may still be running: look back a day.
    const slots = await this.db.bookingSlot.findMany({
      where: {
        venueId: { in: ids },
        startsAt: { gte: new Date(currentHour.getTime() - 24 * HOUR_MS), lt: to },
        endsAt: { gt: currentHour },
        booked: { gt: 0 },
      },
      select: { venueId: true, startsAt: true, endsAt: true, booked: true },
    });
    return new Map(
      [...byVenueId(slots)].map(([id, list]) => [
        id,
        bookingsPerHour(list, currentHour, FORECAST_BOOKING_HOURS),
      ]),
    );
  }
}
