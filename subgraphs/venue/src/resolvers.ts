import { notFound } from '@sport-venue/shared';
import type { Resolvers } from './generated/graphql.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { decodeCursor, encodeCursor, pageSize } from './pagination.ts';
import { listVenues } from './venue-store.ts';

export function createResolvers(db: PrismaClient): Resolvers {
  return {
    Query: {
      venue: (_root, { id }, ctx) => ctx.venues.load(id),
      venues: async (_root, { cityCode, first, after }) => {
        const page = await listVenues(db, {
          cityCode,
          first: pageSize(first),
          afterId: after ? decodeCursor(after) : null,
        });
        const edges = page.rows.map((node) => ({ cursor: encodeCursor(node.id), node }));
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
        };
      },
      cities: () => db.city.findMany({ orderBy: { code: 'asc' } }),
    },
    Venue: {
      __resolveReference: (ref, ctx) => ctx.venues.load(ref.id),
      id: (venue) => venue.id.toString(),
      city: async (venue) =>
        venue.city ??
        (await db.city.findUnique({ where: { code: venue.cityCode } })) ??
        Promise.reject(notFound('city')),
      location: (venue) => ({ lat: venue.lat, lng: venue.lng }),
      sports: (venue) =>
        Array.isArray(venue.sports) ? venue.sports.filter((s): s is string => typeof s === 'string') : [],
      currentCount: (venue, _args, ctx) => ctx.currentCount.load(venue.id.toString()),
    },
    City: {
      code: (city) => city.code,
    },
  };
}
