// Redis GEO index of venue locations (GCJ-02 stored as-is; see geo.ts on distances), one key for
// all venues and one per sport. The database is the source of truth: writes update the index
// after they commit, and a periodic resync repairs anything a failed update missed.
import { randomUUID } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { scanKeys, type RedisClient } from '@sport-venue/shared';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { MAX_GEO_LAT } from './geo.ts';
import { presenceKeys } from '../presence/presence-keys.ts';
import { venueSports } from './venue-input.ts';

export interface GeoVenue {
  id: bigint | string;
  lat: number;
  lng: number;
  sports: unknown;
}

/** Where venue locations are written: the live keys, or a full resync's temporary copies. */
interface GeoKeys {
  geo: () => string;
  geoSport: (sport: string) => string;
}

/** Queues the GEOADDs of `venues` on `pipeline`; returns the keys written. */
function queueLocations(
  pipeline: ChainableCommander,
  venues: GeoVenue[],
  keys: GeoKeys,
  previousSports: Map<string, string[]>,
): Set<string> {
  const written = new Set<string>();
  for (const v of venues) {
    const id = String(v.id);
    const sports = venueSports(v.sports);
    if (Math.abs(v.lat) > MAX_GEO_LAT) continue;
    pipeline.geoadd(keys.geo(), v.lng, v.lat, id);
    written.add(keys.geo());
    for (const sport of sports) {
      pipeline.geoadd(keys.geoSport(sport), v.lng, v.lat, id);
      written.add(keys.geoSport(sport));
    }
    for (const old of previousSports.get(id) ?? [])
      if (!sports.includes(old)) pipeline.zrem(keys.geoSport(old), id);
  }
  return written;
}

async function execOrThrow(pipeline: ChainableCommander): Promise<void> {
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
}

/** Adds or moves venues; `previousSports` lists sports a venue no longer offers. */
export async function indexVenueLocations(
  redis: RedisClient,
  venues: GeoVenue[],
  previousSports: Map<string, string[]> = new Map(),
): Promise<void> {
  if (venues.length === 0) return;
  const pipeline = redis.pipeline();
  queueLocations(pipeline, venues, presenceKeys, previousSports);
  await execOrThrow(pipeline);
}

export interface NearbyHit {
  venueId: string;
  distanceM: number;
}

export async function searchNearby(
  redis: RedisClient,
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

/** Venues changed since `since` (all when null), a page at a time in id order. */
async function forEachVenuePage(
  db: PrismaClient,
  since: Date | null,
  fn: (rows: GeoVenue[]) => Promise<void>,
): Promise<number> {
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
    await fn(rows);
    total += rows.length;
    afterId = rows.at(-1)!.id;
  }
}

/** A full rebuild's keys expire if the process dies before renaming them over the live ones. */
const REBUILD_TTL_S = 3_600;

/**
 * Re-indexes venues changed since `since`. The full pass (since = null) rebuilds every key into a
 * temporary copy and renames it over the live one, so venues that left a sport (or the index) while
 * an update failed disappear too; keys of sports no venue offers any more are deleted. Writes that
 * land while it runs are repaired by the next incremental pass (it starts before this one). All
 * these keys share the `{geo}` hash tag, so the swap is one MULTI on Redis Cluster too.
 */
export async function resyncGeoIndex(
  db: PrismaClient,
  redis: RedisClient,
  since: Date | null,
): Promise<number> {
  if (since !== null) return forEachVenuePage(db, since, (rows) => indexVenueLocations(redis, rows));

  const prefix = presenceKeys.geoRebuild(randomUUID());
  const sportPrefix = `${prefix}:sport:`;
  const temp: GeoKeys = { geo: () => prefix, geoSport: (sport) => `${sportPrefix}${sport}` };
  const live = new Map<string, string>(); // temporary key → live key
  const total = await forEachVenuePage(db, null, async (rows) => {
    const pipeline = redis.pipeline();
    for (const key of queueLocations(pipeline, rows, temp, new Map()))
      live.set(
        key,
        key === prefix ? presenceKeys.geo() : presenceKeys.geoSport(key.slice(sportPrefix.length)),
      );
    for (const key of live.keys()) pipeline.expire(key, REBUILD_TTL_S);
    await execOrThrow(pipeline);
  });

  const stale = new Set(await scanKeys(redis, presenceKeys.geoSport('*')));
  stale.add(presenceKeys.geo());
  const swap = redis.multi();
  for (const [from, to] of live) {
    swap.rename(from, to).persist(to);
    stale.delete(to);
  }
  if (stale.size > 0) swap.del(...stale);
  await execOrThrow(swap);
  return total;
}
