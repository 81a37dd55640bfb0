import type { Resolvers } from './generated/graphql.ts';
import { expectedAt, readForecasts } from './forecast-cache.ts';
import type { Redis } from 'ioredis';

export function createResolvers(redis: Redis, now: () => Date = () => new Date()): Resolvers {
  return {
    Venue: {
      __resolveReference: (ref) => ({ id: ref.id }),
      predictedNow: async (venue) => {
        const [forecast] = await readForecasts(redis, [venue.id]);
        return expectedAt(forecast ?? null, now());
      },
    },
  };
}
