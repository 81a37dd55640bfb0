// Redis GEO index of venue locations (GCJ-02 stored as-is; see geo.ts on distances), one key for
// all venues and one per sport. The database is the source of truth: writes update the index
// after they commit, and a periodic resync repairs anything a failed update missed.
import type { Redis } from 'ioredis';
import type { PrismaClient } from './generated/prisma/client.ts';
import { MAX_GEO_LAT } from './geo.ts';
import { presenceKeys } from './presence-keys.ts';
import { venueSports } from './venue-input.ts';

export interface GeoVenue {
  id: bigint | string;
  lat: number;
  lng: number;
  sports: unknown;
}

/** Adds or moves venues; `previousSports` lists sports a venue no longer offers. */
export async function indexVenueLocations(
  redis: Redis,
  venues: GeoVenue[],
  previousSports: Map<string, string[]> = new Map(),
): Promise<void> {
  if (venues.length === 0) return;
  const pipeline = redis.pipeline();
  for (const v of venues) {
    const id = String(v.id);
    const sports = venueSports(v.sports);
    if (Math.abs(v.lat) > MAX_GEO_LAT) continue;
    pipeline.geoadd(presenceKeys.geo(), v.lng, v.lat, id);
    for (const sport of sports) pipeline.geoadd(presenceKeys.geoSport(sport), v.lng, v.lat, id);
    for (const old of previousSports.get(id) ?? [])
      if (!sports.includes(old)) pipeline.zrem(presenceKeys.geoSport(old), id);
  }
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
}

export interface NearbyHit {
  venueId: string;
  distanceM: number;
}

export async function searchNearby(
  redis: Redis,
  q: { lat: number; lng: number; radiusKm: number; sport?: string | null; count: number },
): Promise<NearbyHit[]> {
  const key = q.sport ? presenceKeys.geoSport(q.sport.trim().toLowerCase()) : presenceKeys.geo();
  const raw = (await redis.call(
    'GEOSEARCH',
    key,
    'FROMLONLAT',
    q.lng,
    q.lat,
    'BYRADIUS',
    q.radiusKm,
    'km',
    'ASC',
    'COUNT',
    q.count,
    'WITHDIST',
  )) as Array<[string, string]>;
  return raw.map(([venueId, km]) => ({ venueId, distanceM: Math.round(Number(km) * 1000 * 10) / 10 }));
}

/** Re-indexes venues changed since `since` (all when null), paging through the table by id. */
export async function resyncGeoIndex(db: PrismaClient, redis: Redis, since: Date | null): Promise<number> {
  let afterId = 0n;
  let total = 0;
  for (;;) {
    const rows = await db.venue.findMany({
      where: { id: { gt: afterId }, ...(since ? { updatedAt: { gte: since } } : {}) },
      select: { id: true, lat: true, lng: true, sports: true },
      orderBy: { id: 'asc' },
      take: 1_000,
    });
    if (rows.length === 0) return total;
    await indexVenueLocations(redis, rows);
    total += rows.length;
    afterId = rows.at(-1)!.id;
  }
}
