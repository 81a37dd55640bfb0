import { badInput } from '@sport-venue/shared';
import type { Resolvers } from './generated/graphql.ts';
import { BestTimeInputError, hoursToCover, quietestHour } from './best-time.ts';
import { expectedAt, type CachedPoint } from './forecast-cache.ts';
import { MAX_HORIZON_HOURS, type BusyLevelName } from './predictor-proto.ts';
import { hasOpeningHours, type VenueRef } from './venue-inputs.ts';

type PointOut = ReturnType<typeof pointOut>;
const pointOut = (p: CachedPoint) => ({
  at: p.at,
  expected: Math.round(p.expected),
  low: Math.round(p.low),
  high: Math.round(p.high),
  level: p.level as BusyLevelName,
  open: !p.closed,
  basis: p.basis ?? 'MODEL',
});

// A cached forecast's points are shared by every request that reads the same Redis text
// (forecast-cache.ts): their GraphQL form is made once per point, not once per request.
const shaped = new WeakMap<CachedPoint, PointOut>();
function toPoint(p: CachedPoint): PointOut {
  let out = shaped.get(p);
  if (!out) shaped.set(p, (out = pointOut(p)));
  return out;
}

export function createResolvers(now: () => Date = () => new Date()): Resolvers {
  return {
    Venue: {
      // The representation carries the fields @requires named (see schema.graphql): keep them.
      __resolveReference: (ref) => ref as VenueRef,
      predictedNow: async (venue, _args, ctx) => {
        const points = await ctx.forecasts.load({ venue: venue as VenueRef, hours: 1 });
        return expectedAt({ generatedAt: '', points }, now());
      },
      forecast: async (venue, { hours }, ctx) => {
        if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HORIZON_HOURS)
          throw badInput(`hours must be 1..${MAX_HORIZON_HOURS}`, 'hours');
        const points = await ctx.forecasts.load({ venue: venue as VenueRef, hours });
        return points.map(toPoint);
      },
      bestTimeToVisit: async (venue, { date }, ctx) => {
        const ref = venue as VenueRef;
        const timeZone = ref.timeZone;
        if (!timeZone) throw badInput('the venue time zone is required (resolved through the router)');
        let hours: number;
        const day = date ?? new Intl.DateTimeFormat('en-CA', { timeZone }).format(now());
        try {
          hours = hoursToCover(day, timeZone, now(), MAX_HORIZON_HOURS);
        } catch (err) {
          if (err instanceof BestTimeInputError) throw badInput(err.message, 'date');
          throw err;
        }
        const points = await ctx.forecasts.load({ venue: ref, hours });
        const best = quietestHour(points, day, timeZone, hasOpeningHours(ref));
        return best ? toPoint(best) : null;
      },
    },
  };
}
