import type { RedisClient } from '@sport-venue/shared';
import {
  badInput,
  childTraceparent,
  requireRole,
  requireVenueOperator,
  type Logger,
  type TraceContext,
  type Viewer,
} from '@sport-venue/shared';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { insertOutbox } from '../outbox/outbox.ts';
import type { OutboxRelay } from '../outbox/outbox-relay.ts';
import { venueEvent } from './venue-events.ts';
import { indexVenueLocations } from './geo-index.ts';
import type { OccupancyInsights } from '../occupancy/occupancy-insights.ts';
import type { VenueCatalog } from './venue-catalog.ts';
import { venueNotFound } from './venue-errors.ts';
import {
  validateNewVenue,
  validateVenueChanges,
  venueSports,
  type CreateVenueInput,
  type UpdateVenueInput,
} from './venue-input.ts';
import { createVenue, findVenuesByIds, parseVenueId, updateVenue, type VenueRow } from './venue-store.ts';

export interface VenueServiceDeps {
  db: PrismaClient;
  redis: RedisClient;
  venues: VenueCatalog;
  insights: OccupancyInsights;
  maxStayMin: number;
  relay: Pick<OutboxRelay, 'wake'>;
  /** `venue.events`: every catalogue change, through the outbox (search indexes from it). */
  venueTopic: string;
  logger: Logger;
}

export class VenueService {
  readonly #d: VenueServiceDeps;

  constructor(deps: VenueServiceDeps) {
    this.#d = deps;
  }

  /** Admins create venues (nobody operates a venue before it exists). */
  async create(viewer: Viewer | null, input: CreateVenueInput, trace?: TraceContext): Promise<VenueRow> {
    requireRole(viewer, 'ADMIN');
    const city = await this.#d.db.city.findUnique({ where: { code: input.cityCode } });
    if (!city) throw badInput(`unknown city ${input.cityCode}`, 'cityCode');
    const data = validateNewVenue(input, city.timeZone, this.#d.maxStayMin);
    const venue = await this.#d.db.$transaction(async (tx) => {
      const created = await createVenue(tx, data);
      await this.#publish(tx, venueEvent('CREATED', created, Object.keys(data)), trace);
      return created;
    });
    this.#d.relay.wake();
    await this.#index(venue, []);
    return venue;
  }

  /** Operators of the venue and admins (grants live in the user subgraph and reach us in the identity). */
  async update(
    viewer: Viewer | null,
    id: string,
    input: UpdateVenueInput,
    trace?: TraceContext,
  ): Promise<VenueRow> {
    requireVenueOperator(viewer, id);
    const venueId = parseVenueId(id);
    const [before] = venueId ? await findVenuesByIds(this.#d.db, [id]) : [null];
    if (!venueId || !before) throw venueNotFound();
    const changes = validateVenueChanges(input, this.#d.maxStayMin);
    const after = await this.#d.db.$transaction(async (tx) => {
      const updated = await updateVenue(tx, venueId, changes);
      await this.#publish(tx, venueEvent('UPDATED', updated, Object.keys(changes)), trace);
      return updated;
    });
    this.#d.relay.wake();
    this.#d.venues.invalidate(id);
    this.#d.insights.invalidate(id);
    await this.#index(after, venueSports(before.sports));
    return after;
  }

  #publish(
    tx: Parameters<typeof insertOutbox>[0],
    event: ReturnType<typeof venueEvent>,
    trace?: TraceContext,
  ) {
    return insertOutbox(tx, {
      id: event.id,
      venueId: event.venueId,
      topic: this.#d.venueTopic,
      key: event.venueId,
      payload: event,
      traceparent: trace && childTraceparent(trace),
    });
  }

  /** The database has the change; a failed index update is repaired by the periodic resync. */
  async #index(venue: VenueRow, previousSports: string[]) {
    try {
      await indexVenueLocations(this.#d.redis, [venue], new Map([[venue.id.toString(), previousSports]]));
    } catch (err) {
      this.#d.logger.warn(
        { err, venueId: venue.id.toString() },
        'geo index not updated; resync will repair it',
      );
    }
  }
}
