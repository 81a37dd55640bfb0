// venueSearch: runs the query on OpenSearch and maps hits back to venues. The search server is
// optional for the graph: when it is down or slow, venueSearch answers SEARCH_UNAVAILABLE within
// the client deadline and nothing else is affected.
import type { Client } from '@opensearch-project/opensearch';
import {
  Counter,
  domainError,
  Histogram,
  LATENCY_BUCKETS,
  type Logger,
  type Registry,
} from '@sport-venue/shared';
import { GraphQLError } from 'graphql';
import type { Clock } from '../clock.ts';
import { haversineM } from '../catalog/geo.ts';
import { buildSearch, encodeCursor, type VenueSearchArgs } from './search-query.ts';

export const SEARCH_UNAVAILABLE = 'SEARCH_UNAVAILABLE';

export interface SearchHit {
  venueId: string;
  score: number;
  cursor: string;
  distanceM: number | null;
}

export interface SearchPage {
  hits: SearchHit[];
  hasNextPage: boolean;
  totalCount: number;
}

interface RawHit {
  _score: number | null;
  _source: { venueId: string; location: { lat: number; lon: number } };
  sort: unknown[];
}

const TIME_ZONES_TTL_MS = 60_000;

export class VenueSearch {
  readonly #client: Client;
  readonly #alias: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #requests: Counter<'outcome'>;
  readonly #seconds: Histogram<'outcome'>;
  #timeZones: { at: number; zones: Promise<string[]> } | null = null;

  constructor(opts: { client: Client; alias: string; clock: Clock; logger: Logger; metrics: Registry }) {
    this.#client = opts.client;
    this.#alias = opts.alias;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#requests = new Counter({
      name: 'venue_search_requests_total',
      help: 'venueSearch calls by outcome (ok, bad_input, unavailable)',
      labelNames: ['outcome'],
      registers: [opts.metrics],
    });
    this.#seconds = new Histogram({
      name: 'venue_search_duration_seconds',
      help: 'venueSearch latency including the OpenSearch round trips',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [opts.metrics],
    });
  }

  async search(args: VenueSearchArgs): Promise<SearchPage> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await this.#search(args);
    } catch (err) {
      outcome =
        err instanceof GraphQLError && err.extensions.code !== SEARCH_UNAVAILABLE
          ? 'bad_input'
          : 'unavailable';
      throw err;
    } finally {
      this.#requests.inc({ outcome });
      this.#seconds.observe({ outcome }, (performance.now() - started) / 1000);
    }
  }

  async #search(args: VenueSearchArgs): Promise<SearchPage> {
    const now = this.#clock.now();
    // Validation first: bad input is BAD_USER_INPUT even while the search server is down.
    buildSearch(args, [], now);
    const zones = args.open == null ? [] : await this.#call(() => this.#zones());
    const plan = buildSearch(args, zones, now);
    const res = await this.#call(() =>
      this.#client.search({ index: this.#alias, body: plan.body as never }, { ignore: [404] }),
    );
    if (res.statusCode === 404) return { hits: [], hasNextPage: false, totalCount: 0 }; // nothing indexed yet
    const body = res.body as unknown as { hits: { total: { value: number }; hits: RawHit[] } };
    const raw = body.hits.hits;
    const hits = raw.slice(0, plan.size).map((hit) => ({
      venueId: hit._source.venueId,
      score: hit._score ?? 0,
      cursor: encodeCursor(hit.sort),
      distanceM: plan.near
        ? Math.round(haversineM(plan.near, { lat: hit._source.location.lat, lng: hit._source.location.lon }))
        : null,
    }));
    return { hits, hasNextPage: raw.length > plan.size, totalCount: body.hits.total.value };
  }

  /** Time zones of indexed venues (the open-now filter needs the local time in each). */
  #zones(): Promise<string[]> {
    if (this.#timeZones && Date.now() - this.#timeZones.at < TIME_ZONES_TTL_MS) return this.#timeZones.zones;
    const zones = this.#client
      .search(
        {
          index: this.#alias,
          body: { size: 0, aggs: { zones: { terms: { field: 'timeZone', size: 1000 } } } } as never,
        },
        { ignore: [404] },
      )
      .then((res) =>
        res.statusCode === 404
          ? []
          : (
              res.body as unknown as { aggregations: { zones: { buckets: Array<{ key: string }> } } }
            ).aggregations.zones.buckets.map((b) => b.key),
      );
    this.#timeZones = { at: Date.now(), zones };
    zones.catch(() => (this.#timeZones = null));
    return zones;
  }

  /** A new time zone indexed in this process: the open filter must know it at once. */
  noteTimeZone(timeZone: string) {
    void this.#timeZones?.zones.then((zones) => {
      if (!zones.includes(timeZone)) zones.push(timeZone);
    });
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode;
      this.#logger.warn({ err: (err as Error).message, status }, 'search server unavailable');
      throw domainError(SEARCH_UNAVAILABLE, 'venue search is unavailable right now; try again shortly');
    }
  }
}
