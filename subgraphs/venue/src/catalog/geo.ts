import { badInput, InputReason } from '@sport-venue/shared';

export interface LatLng {
  lat: number;
  lng: number;
}

/** Mean Earth radius (IUGG); the same sphere Redis GEO uses to within 0.1 %. */
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * Great-circle distance in metres. Both points are GCJ-02: its offset from WGS-84 varies slowly
 * (metres per kilometre), so distances between nearby GCJ-02 points are as good as WGS-84 ones.
 */
export function haversineM(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * BAD_USER_INPUT unless lat/lng are finite and on Earth; `extensions.field` names the argument
 * that is wrong, so a client can point at it.
 */
export function assertCoordinates({ lat, lng }: LatLng, inside?: string): void {
  // The error names the offending argument itself (`near.lng`), not the pair.
  const field = (name: string) => (inside ? `${inside}.${name}` : name);
  if (!Number.isFinite(lat) || lat < -90 || lat > 90)
    throw badInput(`${field('lat')} must be between -90 and 90`, field('lat'), {
      reason: InputReason.RANGE,
      min: -90,
      max: 90,
    });
  if (!Number.isFinite(lng) || lng < -180 || lng > 180)
    throw badInput(`${field('lng')} must be between -180 and 180`, field('lng'), {
      reason: InputReason.RANGE,
      min: -180,
      max: 180,
    });
}

/** Redis GEO indexes only latitudes within ±85.05112878° (Web Mercator). */
export const MAX_GEO_LAT = 85.05112878;

export type GeofenceVerdict =
  { ok: true; distanceM: number } | { ok: false; reason: 'TOO_INACCURATE' | 'OUTSIDE'; distanceM: number };

/**
 * Accuracy-aware geofence. A fix whose accuracy is worse than `maxAccuracyM` proves nothing and is
 * refused. Otherwise the fix is accepted when its uncertainty circle reaches the venue's circle
 * (distance − accuracy ≤ radius): a true position inside the venue must never be refused, and the
 * accuracy cap bounds how far outside an accepted fix can be.
 */
export function checkGeofence(
  venue: LatLng & { radiusM: number },
  fix: LatLng & { accuracyM: number },
  maxAccuracyM: number,
): GeofenceVerdict {
  const distanceM = haversineM(venue, fix);
  if (fix.accuracyM > maxAccuracyM) return { ok: false, reason: 'TOO_INACCURATE', distanceM };
  if (distanceM - fix.accuracyM > venue.radiusM) return { ok: false, reason: 'OUTSIDE', distanceM };
  return { ok: true, distanceM };
}
