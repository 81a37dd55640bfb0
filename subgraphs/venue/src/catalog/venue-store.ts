import { badInput, isUniqueViolation, mariadbAdapter, nextId } from '@sport-venue/shared';
import { PrismaClient, type City, type Venue } from '../generated/prisma/client.ts';
import type { VenueFields } from './venue-input.ts';

export type VenueRow = Venue & { city?: City };
export type CityRow = City;

export function createVenueDb(databaseUrl: string, connectionLimit?: number): PrismaClient {
  return new PrismaClient({ adapter: mariadbAdapter(databaseUrl, connectionLimit) });
}

export function parseVenueId(id: string): bigint | null {
  return /^[1-9]\d{0,18}$/.test(id) ? BigInt(id) : null;
}

export async function findVenuesByIds(
  db: PrismaClient,
  ids: readonly string[],
): Promise<Array<VenueRow | null>> {
  const keys = ids.map(parseVenueId);
  const rows = await db.venue.findMany({
    where: { id: { in: keys.filter((k): k is bigint => k !== null) } },
    include: { city: true },
  });
  const byId = new Map(rows.map((row) => [row.id.toString(), row]));
  return ids.map((id) => byId.get(id) ?? null);
}

export interface VenuePage {
  rows: VenueRow[];
  hasNextPage: boolean;
}

/** Keyset pagination on (cityCode, id): the same order the shard-key index is built in. */
export async function listVenues(
  db: PrismaClient,
  {
    cityCode,
    sport,
    first,
    afterId,
    ids,
  }: {
    cityCode?: string | null;
    sport?: string | null;
    first: number;
    afterId?: bigint | null;
    /** Only these venues (an operator's). */
    ids?: bigint[] | null;
  },
): Promise<VenuePage> {
  const rows = await db.venue.findMany({
    where: {
      ...(ids ? { id: { in: ids } } : {}),
      ...(cityCode ? { cityCode } : {}),
      ...(sport ? { sports: { array_contains: [sport.trim().toLowerCase()] } } : {}),
      ...(afterId ? { AND: [{ id: { gt: afterId } }] } : {}),
    },
    orderBy: { id: 'asc' },
    take: first + 1,
    include: { city: true },
  });
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** The client or a transaction of it. */
type VenueWriter = Pick<PrismaClient, 'venue'>;

export async function createVenue(
  db: VenueWriter,
  data: VenueFields & { cityCode: string; slug: string },
): Promise<VenueRow> {
  try {
    return await db.venue.create({ data: { id: nextId(), ...data }, include: { city: true } });
  } catch (err) {
    if (isUniqueViolation(err)) throw badInput(`slug ${data.slug} is taken in this city`, 'slug');
    throw err;
  }
}

export function updateVenue(db: VenueWriter, id: bigint, changes: Partial<VenueFields>): Promise<VenueRow> {
  return db.venue.update({ where: { id }, data: changes, include: { city: true } });
}
