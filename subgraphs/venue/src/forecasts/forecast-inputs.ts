/**
 * What the prediction subgraph's model needs about a venue and only this subgraph knows:
 * the hourly headcount history and the confirmed bookings ahead. Served as the @inaccessible field
 * `Venue.forecastInputs`, which the prediction subgraph @requires, so the router fetches it here
 * and hands it over — the prediction subgraph never reads this subgraph's tables.
 *
 * Completed hours do not change once the samples taken in them have landed, so a venue's history is
 * cached per (venue, current hour) in the process — except in the first HISTORY_SETTLE_MS of an
 * hour, when a sampler tick of the hour that just ended may still be committing: then a cached
 * history is trusted for HISTORY_RECHECK_MS only. Bookings change any time; they are cached for
 * BOOKINGS_FRESH_MS — a forecast that misses the last minute's bookings is as good, and venue lists
 * with forecasts are hot paths. What is cached is the wire form (decision 0029): a warm request
 * costs no SQL statement and no encoding, only the lookups.
 */
import { encodeCountSeries, encodeHistorySeries } from '@sport-venue/shared';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { HOUR_MS, MINUTE_MS, type Clock } from '../clock.ts';

/** Hours of history before the current hour: what the forecaster's features look back (15 days). */
export const FORECAST_HISTORY_HOURS = 15 * 24;
/** Hours of bookings from the current hour on: the longest forecast horizon. */
export const FORECAST_BOOKING_HOURS = 168;
const BOOKINGS_FRESH_MS = MINUTE_MS;
/** How long after the hour turns a sample of the hour before may still land (a sampler tick in flight). */
export const HISTORY_SETTLE_MS = 2 * MINUTE_MS;
/** How long a history read within HISTORY_SETTLE_MS is trusted. */
export const HISTORY_RECHECK_MS = 10_000;

/** What `Venue.forecastInputs` serves: the series in their compact wire form (shared hourly-series.ts). */
export interface ForecastInputsWire {
  /** Start of the current hour, ISO 8601 UTC. */
  currentHour: string;
  /** The hourly history without its leading unknown hours: the last item is the hour before currentHour. */
  hourlyOccupancy: string;
  /** Booked seats per hour from currentHour on, without the trailing hours that have none. */
  hourlyBookings: string;
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

interface HistoryEntry {
  hour: number;
  text: string;
  readAt: number;
}
interface BookingsEntry {
  hour: number;
  until: number;
  text: string;
}

/** Venues a cache holds at most: ids come from entity references, unknown ones included. */
const MAX_CACHED_VENUES = 50_000;

/**
 * Each venue's wire text: from `cache` where `fresh` accepts the entry, the others loaded in one
 * call and cached. Returns a map of its own: the cache may be cleared or move on to the next hour
 * while a load is in flight.
 */
async function readThrough<E extends { text: string }>(
  cache: Map<string, E>,
  venueIds: readonly string[],
  fresh: (hit: E) => boolean,
  load: (missing: string[]) => Promise<(id: string) => E>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const missing: string[] = [];
  for (const id of venueIds) {
    const hit = cache.get(id);
    if (hit && fresh(hit)) out.set(id, hit.text);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  const entryOf = await load(missing);
  if (cache.size > MAX_CACHED_VENUES) cache.clear();
  for (const id of missing) {
    const entry = entryOf(id);
    cache.set(id, entry);
    out.set(id, entry.text);
  }
  return out;
}

export class ForecastInputsSource {
  /**
   * Per venue: the history's wire form, the hour it ends before and when it was read. The hour is
   * kept per entry: a read started just before the hour turned may finish after it.
   */
  private readonly history = new Map<string, HistoryEntry>();
  private historyHour = 0;
  private readonly bookings = new Map<string, BookingsEntry>();

  private readonly db: PrismaClient;
  private readonly clock: Clock;

  constructor(db: PrismaClient, clock: Clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Inputs of each venue (ids as strings), in order; unknown ids get empty inputs. */
  async load(venueIds: readonly string[]): Promise<ForecastInputsWire[]> {
    const now = this.clock.now().getTime();
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    if (hour !== this.historyHour) {
      this.history.clear();
      this.historyHour = hour;
    }
    const currentHour = new Date(hour);
    const [history, bookings] = await Promise.all([
      this.loadHistory(venueIds, currentHour, now),
      this.loadBookings(venueIds, currentHour, now),
    ]);
    const iso = currentHour.toISOString();
    return venueIds.map((id) => ({
      currentHour: iso,
      hourlyOccupancy: history.get(id)!,
      hourlyBookings: bookings.get(id)!,
    }));
  }

  /** Whether a history read at `readAt` may still miss a sample of the hour that just ended. */
  private unsettled(readAt: number, currentHour: number, now: number) {
    return readAt < currentHour + HISTORY_SETTLE_MS && now - readAt >= HISTORY_RECHECK_MS;
  }

  /** Each venue's history for `currentHour`, in its own map (see readThrough). */
  private loadHistory(venueIds: readonly string[], currentHour: Date, now: number) {
    const hour = currentHour.getTime();
    const fresh = (hit: HistoryEntry) => hit.hour === hour && !this.unsettled(hit.readAt, hour, now);
    return readThrough(this.history, venueIds, fresh, async (missing) => {
      const from = new Date(hour - FORECAST_HISTORY_HOURS * HOUR_MS);
      const rows = await this.db.$queryRaw<Array<{ venueId: bigint; h: bigint | number; mean: unknown }>>`
        SELECT venueId, FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', at) / 3600) AS h, AVG(count) AS mean
        FROM OccupancySample
        WHERE venueId IN (${Prisma.join(missing.map((id) => BigInt(id)))}) AND at >= ${from} AND at < ${currentHour}
        GROUP BY venueId, h`;
      const byVenue = byVenueId(
        rows.map((r) => ({ venueId: r.venueId, hour: Number(r.h), mean: Number(r.mean) })),
      );
      return (id) => ({
        hour,
        readAt: now,
        text: encodeHistorySeries(hourlySeries(byVenue.get(id) ?? [], from, FORECAST_HISTORY_HOURS)),
      });
    });
  }

  /** Each venue's bookings from `currentHour` on, in its own map (see readThrough). */
  private loadBookings(venueIds: readonly string[], currentHour: Date, now: number) {
    const hour = currentHour.getTime();
    const fresh = (hit: BookingsEntry) => hit.hour === hour && hit.until > now;
    return readThrough(this.bookings, venueIds, fresh, async (missing) => {
      const counts = await this.queryBookings(
        missing.map((id) => BigInt(id)),
        currentHour,
      );
      return (id) => ({
        hour,
        until: now + BOOKINGS_FRESH_MS,
        text: encodeCountSeries(counts.get(id) ?? []),
      });
    });
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
