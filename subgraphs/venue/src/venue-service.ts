import type { RedisClient } from '@sport-venue/shared';
import { badInput, requireRole, requireVenueOperator, type Logger, type Viewer } from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';
import { indexVenueLocations } from './geo-index.ts';
import type { OccupancyInsights } from './occupancy-insights.ts';
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
  logger: Logger;
}

export class VenueService {
  readonly #d: VenueServiceDeps;

  constructor(deps: VenueServiceDeps) {
    this.#d = deps;
  }

  /** Admins create venues (nobody operates a venue before it exists). */
  async create(viewer: Viewer | null, input: CreateVenueInput): Promise<VenueRow> {
    requireRole(viewer, 'ADMIN');
    const city = await this.#d.db.city.findUnique({ where: { code: input.cityCode } });
    if (!city) throw badInput(`unknown city ${input.cityCode}`, 'cityCode');
    const data = validateNewVenue(input, city.timeZone, this.#d.maxStayMin);
    const venue = await createVenue(this.#d.db, data);
    await this.#index(venue, []);
    return venue;
  }

  /** Operators of the venue and admins (grants live in the user subgraph and reach us in the identity). */
  async update(viewer: Viewer | null, id: string, input: UpdateVenueInput): Promise<VenueRow> {
    requireVenueOperator(viewer, id);
    const venueId = parseVenueId(id);
    const [before] = venueId ? await findVenuesByIds(this.#d.db, [id]) : [null];
    if (!venueId || !before) throw venueNotFound();
    const after = await updateVenue(this.#d.db, venueId, validateVenueChanges(input, this.#d.maxStayMin));
    this.#d.venues.invalidate(id);
    this.#d.insights.invalidate(id);
    await this.#index(after, venueSports(before.sports));
    return after;
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
