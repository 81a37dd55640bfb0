import DataLoader from 'dataloader';
import {
  groupedLoader,
  identityFromRequest,
  requestInfo,
  type GroupedKey,
  type RequestInfo,
  type Viewer,
} from '@sport-venue/shared';
import type { IncomingMessage } from 'node:http';
import type { RedisClient } from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';
import { heatScores } from './occupancy/heat-store.ts';
import type { ForecastInputsSource, ForecastInputsWire } from './forecasts/forecast-inputs.ts';
import type { OccupancyInsights, VenueForInsights } from './occupancy/occupancy-insights.ts';
import { currentCounts } from './occupancy/occupancy-store.ts';
import type { PopularTimes } from './occupancy/popular-times.ts';
import { findVenuesByIds, type VenueRow } from './catalog/venue-store.ts';
import { bookingsOfVenues, slotsBetween, type BookingRow, type SlotRow } from './bookings/booking-store.ts';
import { historyBuckets, type HistoryPoint } from './occupancy/occupancy-samples.ts';
import { inOrder } from './catalog/venue-list-loaders.ts';

export interface Context extends RequestInfo {
  /** The caller as the router vouches for it (x-sv-identity), or null when anonymous. */
  viewer: Viewer | null;
  venues: DataLoader<string, VenueRow | null>;
  currentCount: DataLoader<string, number>;
  heatScore: DataLoader<string, number>;
  forecastInputs: DataLoader<string, ForecastInputsWire>;
  /** Popular times through the per-process cache; a list's cache misses are computed together. */
  popularTimes: DataLoader<VenueForInsights, PopularTimes | null, string>;
  /** Venue.bookingSlots / bookings / occupancyHistory of a list: one query per argument set. */
  slots: DataLoader<GroupedKey<bigint, Range>, SlotRow[], string>;
  bookings: DataLoader<GroupedKey<bigint, Range>, BookingRow[], string>;
  history: DataLoader<GroupedKey<bigint, HistoryRange>, HistoryPoint[], string>;
}

type Range = { from: Date; to: Date };
type HistoryRange = Range & { bucketSeconds: number };
const rangeKey = (r: Range) => `${r.from.getTime()}-${r.to.getTime()}`;

/** Loaders live for one request: entity fetches and counts for a whole list become one query each. */
export function createLoaders(
  db: PrismaClient,
  redis: RedisClient,
  forecastInputs: ForecastInputsSource,
  insights: OccupancyInsights,
) {
  return {
    slots: groupedLoader<bigint, Range, SlotRow[]>(
      async (ids, r) => inOrder(ids, await slotsBetween(db, ids, r.from, r.to)),
      rangeKey,
    ),
    bookings: groupedLoader<bigint, Range, BookingRow[]>(
      async (ids, r) => inOrder(ids, await bookingsOfVenues(db, ids, r.from, r.to)),
      rangeKey,
    ),
    history: groupedLoader<bigint, HistoryRange, HistoryPoint[]>(
      async (ids, r) => inOrder(ids, await historyBuckets(db, ids, r.from, r.to, r.bucketSeconds)),
      (r) => `${rangeKey(r)}/${r.bucketSeconds}`,
    ),
    venues: new DataLoader<string, VenueRow | null>((ids) => findVenuesByIds(db, ids)),
    currentCount: new DataLoader<string, number>((ids) => currentCounts(redis, ids)),
    heatScore: new DataLoader<string, number>((ids) => heatScores(redis, ids)),
    forecastInputs: new DataLoader<string, ForecastInputsWire>((ids) => forecastInputs.load(ids)),
    popularTimes: new DataLoader<VenueForInsights, PopularTimes | null, string>(
      (venues) => Promise.all(insights.popularTimesOf(venues)),
      { cacheKeyFn: (venue) => `${venue.id}:${venue.timeZone}` },
    ),
  };
}

export async function createContext(
  req: IncomingMessage,
  deps: {
    db: PrismaClient;
    redis: RedisClient;
    forecastInputs: ForecastInputsSource;
    insights: OccupancyInsights;
  },
  identitySecret: string,
): Promise<Context> {
  return {
    ...requestInfo(req),
    viewer: await identityFromRequest(req, identitySecret),
    ...createLoaders(deps.db, deps.redis, deps.forecastInputs, deps.insights),
  };
}
