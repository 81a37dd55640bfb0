import type { RedisClient } from '@sport-venue/shared';
import { badInput, domainError, encodeOpeningSpans, notFound } from '@sport-venue/shared';
import { parseInstant } from './bookings/booking-rules.ts';
import type { BookingService } from './bookings/booking-service.ts';
import type { Clock } from './clock.ts';
import type { Context } from './context.ts';
import type { HistoryBucket, Resolvers } from './generated/graphql.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { assertCoordinates, MAX_GEO_LAT } from './catalog/geo.ts';
import { searchNearby } from './catalog/geo-index.ts';
import { bookingOut, sessionOut, slotOut } from './graphql-views.ts';
import { heatValue } from './occupancy/heat.ts';
import { heatRanking } from './occupancy/heat-store.ts';
import { localParts } from './local-time.ts';
import type { OccupancyInsights } from './occupancy/occupancy-insights.ts';
import { bookingStats, checkInHistory, operatedVenueIds } from './operator-views.ts';
import { isOpenAt, openingHoursToDays, openingSpans, readOpeningHours } from './catalog/opening-hours.ts';
import { decodeCursor, encodeCursor, pageSize } from './catalog/pagination.ts';
import type { PresenceService } from './presence/presence-service.ts';
import { venueSports } from './catalog/venue-input.ts';
import type { VenueService } from './catalog/venue-service.ts';
import type { VenueSearch } from './search/search-service.ts';
import type { VenueMetrics } from './venue-metrics.ts';
import { listVenues, type VenueRow } from './catalog/venue-store.ts';

export interface ResolverDeps {
  db: PrismaClient;
  redis: RedisClient;
  clock: Clock;
  venues: VenueService;
  presence: PresenceService;
  bookings: BookingService;
  insights: OccupancyInsights;
  search: VenueSearch;
  metrics: VenueMetrics;
}

const BUCKET_SECONDS: Record<HistoryBucket, number> = { FIVE_MINUTES: 300, HOUR: 3_600, DAY: 86_400 };
const MAX_HISTORY_BUCKETS = 2_000;

function subscriptionViaRouter(): never {
  throw domainError(
    'SUBSCRIPTION_NOT_SUPPORTED',
    'subscribe to occupancyChanged through the router (graphql-ws); the venue subgraph only publishes the updates',
  );
}

export function createResolvers(deps: ResolverDeps): Resolvers {
  const { db, redis, clock, insights } = deps;

  const snapshot = async (venue: VenueRow, ctx: Context) =>
    insights.snapshot(
      venue,
      await ctx.currentCount.load(venue.id.toString()),
      clock.now(),
      ctx.popularTimes.load(venue),
    );

  return {
    Query: {
      venue: (_root, { id }, ctx) => ctx.venues.load(id),
      venueSearch: async (_root, args, ctx) => {
        const page = await deps.search.search(args);
        const venues = await ctx.venues.loadMany(page.hits.map((h) => h.venueId));
        // A hit whose venue is gone from the database is dropped (the index lags deletions).
        const edges = page.hits.flatMap((hit, i) => {
          const venue = venues[i];
          return venue && !(venue instanceof Error) ? [{ ...hit, venue }] : [];
        });
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.hits.at(-1)?.cursor ?? null },
          totalCount: page.totalCount,
        };
      },
      venues: async (_root, { cityCode, sport, first, after }) => {
        const page = await listVenues(db, {
          cityCode,
          sport,
          first: pageSize(first),
          afterId: after ? decodeCursor(after) : null,
        });
        const edges = page.rows.map((node) => ({ cursor: encodeCursor(node.id), node }));
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
        };
      },
      nearbyVenues: async (_root, { lat, lng, radiusKm, sport, first }, ctx) => {
        assertCoordinates({ lat, lng });
        if (Math.abs(lat) > MAX_GEO_LAT)
          throw badInput(`lat must be within ±${MAX_GEO_LAT} for a map search`, 'lat');
        const radius = radiusKm ?? 5;
        if (!(radius > 0 && radius <= 50)) throw badInput('radiusKm must be in (0, 50]', 'radiusKm');
        const hits = await searchNearby(redis, {
          lat,
          lng,
          radiusKm: radius,
          sport,
          count: pageSize(first),
        });
        const venues = await ctx.venues.loadMany(hits.map((h) => h.venueId));
        return hits.flatMap((hit, i) => {
          const venue = venues[i];
          return venue && !(venue instanceof Error) ? [{ venue, distanceM: hit.distanceM }] : [];
        });
      },
      venueHeatRanking: async (_root, { cityCode, first }, ctx) => {
        const entries = await heatRanking(redis, cityCode ?? null, pageSize(first));
        const venues = await ctx.venues.loadMany(entries.map((e) => e.venueId));
        const now = clock.now();
        return entries.flatMap((entry, i) => {
          const venue = venues[i];
          if (!venue || venue instanceof Error) return [];
          return [{ rank: i + 1, venue, heat: heatValue(entry.score, localParts(now, venue.timeZone).date) }];
        });
      },
      cities: () => db.city.findMany({ orderBy: { code: 'asc' } }),
      myOperatedVenues: async (_root, { cityCode, first, after }, ctx) => {
        const page = await listVenues(db, {
          cityCode,
          ids: operatedVenueIds(ctx.viewer),
          first: pageSize(first),
          afterId: after ? decodeCursor(after) : null,
        });
        const edges = page.rows.map((node) => ({ cursor: encodeCursor(node.id), node }));
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
        };
      },
      myPresence: async (_root, _args, ctx) => {
        const session = await deps.presence.myPresence(ctx.viewer);
        return session ? sessionOut(session, ctx) : null;
      },
      myBookings: async (_root, { upcomingOnly, first }, ctx) =>
        (await deps.bookings.myBookings(ctx.viewer, upcomingOnly ?? true, first)).map((b) =>
          bookingOut(b, ctx, deps.bookings.freeCancelHours),
        ),
    },
    Mutation: {
      createVenue: (_root, { input }, ctx) => deps.venues.create(ctx.viewer, input, ctx.trace),
      updateVenue: (_root, { id, input }, ctx) => deps.venues.update(ctx.viewer, id, input, ctx.trace),
      checkIn: async (_root, { input }, ctx) => {
        const result = await deps.presence.checkIn(ctx.viewer, input, ctx.trace);
        if (!result.replayed) deps.metrics.checkins.inc({ type: 'in' });
        return {
          session: sessionOut(result.session, ctx),
          previous: result.previous ? sessionOut(result.previous, ctx) : null,
          replayed: result.replayed,
        };
      },
      checkOut: async (_root, { venueId }, ctx) => {
        const result = await deps.presence.checkOut(ctx.viewer, venueId, ctx.trace);
        if (!result.replayed) deps.metrics.checkins.inc({ type: 'out' });
        return { session: sessionOut(result.session, ctx), replayed: result.replayed };
      },
      createBookingSlots: async (_root, { venueId, slots }, ctx) =>
        (await deps.bookings.createSlots(ctx.viewer, venueId, slots)).map((s) => slotOut(s, ctx)),
      bookSlot: async (_root, { slotId }, ctx) =>
        bookingOut(await deps.bookings.book(ctx.viewer, slotId), ctx, deps.bookings.freeCancelHours),
      cancelBooking: async (_root, { bookingId }, ctx) =>
        bookingOut(await deps.bookings.cancel(ctx.viewer, bookingId), ctx, deps.bookings.freeCancelHours),
    },
    Subscription: {
      // Apollo subgraphs cannot run subscriptions (over HTTP Apollo Server would even execute the
      // field like a query); the router serves it from Redis pub/sub (docs/events.md).
      occupancyChanged: { subscribe: subscriptionViaRouter, resolve: subscriptionViaRouter },
    },
    Venue: {
      __resolveReference: (ref, ctx) => ctx.venues.load(ref.id),
      id: (venue) => venue.id.toString(),
      city: async (venue) =>
        venue.city ??
        (await db.city.findUnique({ where: { code: venue.cityCode } })) ??
        Promise.reject(notFound('city')),
      location: (venue) => ({ lat: venue.lat, lng: venue.lng }),
      sports: (venue) => venueSports(venue.sports),
      openingHours: (venue) => openingHoursToDays(readOpeningHours(venue.openingHours)),
      currentCount: (venue, _args, ctx) => ctx.currentCount.load(venue.id.toString()),
      occupancyLevel: async (venue, _args, ctx) => (await snapshot(venue, ctx)).occupancyLevel,
      occupancyPercent: async (venue, _args, ctx) => (await snapshot(venue, ctx)).occupancyPercent,
      comparedToUsual: async (venue, _args, ctx) => (await snapshot(venue, ctx)).comparedToUsual,
      isOpenNow: (venue) => isOpenAt(readOpeningHours(venue.openingHours), clock.now(), venue.timeZone),
      popularTimes: async (venue, _args, ctx) =>
        (await ctx.popularTimes.load(venue))?.scaled.map((hours, i) => ({ weekday: i + 1, hours })) ?? [],
      occupancyHistory: async (venue, { from, to, bucket }, ctx) => {
        const start = parseInstant(from, 'from');
        const end = parseInstant(to, 'to');
        const seconds = BUCKET_SECONDS[bucket ?? 'HOUR'];
        const buckets = (end.getTime() - start.getTime()) / 1000 / seconds;
        if (!(buckets > 0 && buckets <= MAX_HISTORY_BUCKETS))
          throw badInput(`to must be after from and span at most ${MAX_HISTORY_BUCKETS} buckets`, 'to');
        const points = await ctx.history.load({
          id: venue.id,
          args: { from: start, to: end, bucketSeconds: seconds },
        });
        return points.map((p) => ({ ...p, at: p.at.toISOString() }));
      },
      heat: async (venue, _args, ctx) =>
        heatValue(
          await ctx.heatScore.load(venue.id.toString()),
          localParts(clock.now(), venue.timeZone).date,
        ),
      bookingSlots: async (venue, { from, to }, ctx) =>
        (await ctx.slots.load({ id: venue.id, args: deps.bookings.range(from, to) })).map((s) =>
          slotOut(s, ctx),
        ),
      bookings: async (venue, { from, to }, ctx) =>
        (
          await ctx.bookings.load({
            id: venue.id,
            args: deps.bookings.bookingsRange(ctx.viewer, venue.id, from, to),
          })
        ).map((b) => bookingOut(b, ctx, deps.bookings.freeCancelHours)),
      checkIns: (venue, { from, to, first, after }, ctx) =>
        checkInHistory(db, ctx.viewer, venue.id, { from, to, first: pageSize(first), after }),
      bookingStats: (venue, { from, to }, ctx) =>
        bookingStats(db, ctx.viewer, venue.id, deps.bookings.range(from, to), clock.now()),
      // Served in the wire form the source caches (decision 0029).
      forecastInputs: async (venue, _args, ctx) => ({
        ...(await ctx.forecastInputs.load(venue.id.toString())),
        openingSpans: encodeOpeningSpans(openingSpans(readOpeningHours(venue.openingHours))),
      }),
    },
    City: {
      code: (city) => city.code,
    },
    VenueCheckIn: {
      user: (row) => ({ id: row.userId.toString() }),
      startedAt: (row) => row.startedAt.toISOString(),
      endedAt: (row) => row.endedAt?.toISOString() ?? null,
      endReason: (row) => row.endReason as never,
    },
  };
}
