import { badInput } from '@sport-venue/shared';
import type { EntityRef } from '@sport-venue/shared';
import type { Resolvers } from './generated/graphql.ts';
import { BestTimeInputError, hoursToCover, quietestHour } from './best-time.ts';
import { expectedAt, type CachedPoint } from './forecast-cache.ts';
import { MAX_HORIZON_HOURS, type BusyLevelName } from './predictor-proto.ts';

/** A Venue reference; `timeZone` arrives from the venue subgraph for fields that @require it. */
type VenueRef = EntityRef & { timeZone?: string };

const toPoint = (p: CachedPoint) => ({
  at: p.at,
  expected: Math.round(p.expected),
  low: Math.round(p.low),
  high: Math.round(p.high),
  level: p.level as BusyLevelName,
});

export function createResolvers(now: () => Date = () => new Date()): Resolvers {
  return {
    Venue: {
      __resolveReference: (ref) => {
        const { id, timeZone } = ref as VenueRef;
        return timeZone === undefined ? { id } : ({ id, timeZone } as VenueRef);
      },
      predictedNow: async (venue, _args, ctx) => {
        const points = await ctx.forecasts.load({ venueId: venue.id, hours: 1 });
        return expectedAt({ generatedAt: '', points }, now());
      },
      forecast: async (venue, { hours }, ctx) => {
        if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HORIZON_HOURS)
          throw badInput(`hours must be 1..${MAX_HORIZON_HOURS}`, 'hours');
        const points = await ctx.forecasts.load({ venueId: venue.id, hours });
        return points.map(toPoint);
      },
      bestTimeToVisit: async (venue, { date }, ctx) => {
        const timeZone = (venue as VenueRef).timeZone;
        if (!timeZone) throw badInput('the venue time zone is required (resolved through the router)');
        let hours: number;
        const day = date ?? new Intl.DateTimeFormat('en-CA', { timeZone }).format(now());
        try {
          hours = hoursToCover(day, timeZone, now(), MAX_HORIZON_HOURS);
        } catch (err) {
          if (err instanceof BestTimeInputError) throw badInput(err.message, 'date');
          throw err;
        }
        const points = await ctx.forecasts.load({ venueId: venue.id, hours });
        const best = quietestHour(points, day, timeZone);
        return best ? toPoint(best) : null;
      },
    },
  };
}
