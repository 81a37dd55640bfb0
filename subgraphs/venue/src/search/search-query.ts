// Turns venueSearch arguments into an OpenSearch query: full text (Chinese bigrams, fuzzy Latin),
// filters (city, sport, open now in each venue's own time zone), ranking by text score times a
// distance decay, and search_after cursors.
import { badInput } from '@sport-venue/shared';
import { assertCoordinates, type LatLng } from '../catalog/geo.ts';
import { localParts } from '../local-time.ts';

export interface VenueSearchArgs {
  query?: string | null;
  cityCode?: string | null;
  sport?: string | null;
  near?: LatLng | null;
  open?: boolean | null;
  first?: number | null;
  after?: string | null;
}

export const MAX_SEARCH_PAGE = 50;
export const MAX_QUERY_LENGTH = 100;
/** Distance at which the distance factor of the score halves. */
export const DISTANCE_HALF_SCORE_KM = 3;

type SortValues = [number, string];

export function encodeCursor(sort: unknown[]): string {
  return Buffer.from(JSON.stringify(sort)).toString('base64url');
}

export function decodeCursor(cursor: string): SortValues {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string'
    )
      return value as SortValues;
  } catch {
    // fall through
  }
  throw badInput('after is not a cursor of this search', 'after');
}

/** Minute of the week (Monday 00:00 = 0) in a time zone. */
export function minuteOfWeek(at: Date, timeZone: string): number {
  const local = localParts(at, timeZone);
  return (local.weekday - 1) * 1440 + local.hour * 60 + local.minute;
}

/** Open now = the venue's open ranges contain the current minute of the week in its own zone. */
export function openNowFilter(timeZones: readonly string[], now: Date) {
  return {
    bool: {
      minimum_should_match: 1,
      should: timeZones.map((timeZone) => ({
        bool: {
          filter: [{ term: { timeZone } }, { term: { openWeek: minuteOfWeek(now, timeZone) } }],
        },
      })),
    },
  };
}

export interface SearchPlan {
  size: number;
  body: Record<string, unknown>;
  near: LatLng | null;
}

/** Validates the arguments and builds the request (`timeZones`: the zones venues are in). */
export function buildSearch(args: VenueSearchArgs, timeZones: readonly string[], now: Date): SearchPlan {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_SEARCH_PAGE)
    throw badInput(`first must be between 1 and ${MAX_SEARCH_PAGE}`, 'first');
  const text = (args.query ?? '').trim();
  if (text.length > MAX_QUERY_LENGTH)
    throw badInput(`query must be at most ${MAX_QUERY_LENGTH} characters`, 'query');
  if (args.near) assertCoordinates(args.near, 'near');
  const after = args.after ? decodeCursor(args.after) : null;

  const filter: unknown[] = [];
  if (args.cityCode) filter.push({ term: { cityCode: args.cityCode } });
  if (args.sport) filter.push({ term: { sports: args.sport.trim().toLowerCase() } });
  if (args.open === true) filter.push(openNowFilter(timeZones, now));
  if (args.open === false) filter.push({ bool: { must_not: [openNowFilter(timeZones, now)] } });

  const must = text
    ? [
        {
          bool: {
            minimum_should_match: 1,
            should: [
              // Every word (or Chinese bigram) must match one field; Latin typos are forgiven
              // (AUTO: none up to 2 letters, 1 up to 5, 2 beyond; first letter exact).
              {
                multi_match: {
                  query: text,
                  fields: ['name^3', 'sports.text^2', 'address', 'cityName'],
                  type: 'best_fields',
                  operator: 'and',
                  fuzziness: 'AUTO',
                  prefix_length: 1,
                },
              },
              // One Chinese character (馆) has no bigram: the unigram sub-fields match it.
              {
                multi_match: {
                  query: text,
                  fields: ['name.uni', 'address.uni^0.5'],
                  type: 'best_fields',
                  operator: 'and',
                  boost: 0.5,
                },
              },
            ],
          },
        },
      ]
    : [{ match_all: {} }];

  const near = args.near ?? null;
  const query = near
    ? {
        function_score: {
          query: { bool: { must, filter } },
          functions: [
            {
              gauss: {
                location: {
                  origin: { lat: near.lat, lon: near.lng },
                  scale: `${DISTANCE_HALF_SCORE_KM}km`,
                  decay: 0.5,
                },
              },
            },
          ],
          // With text: relevance × closeness; without: closeness alone (nearest first).
          boost_mode: text ? 'multiply' : 'replace',
        },
      }
    : { bool: { must, filter } };

  return {
    size: first,
    near,
    body: {
      size: first + 1,
      track_total_hits: true,
      query,
      sort: [{ _score: 'desc' }, { venueId: 'asc' }],
      ...(after ? { search_after: after } : {}),
      _source: ['venueId', 'location'],
    },
  };
}
