import { forbidden, unauthenticated } from './errors.ts';
import type { Role, Viewer } from './identity.ts';

/** The caller, or UNAUTHENTICATED. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function hasRole(viewer: Viewer | null, role: Role): boolean {
  return viewer?.roles.includes(role) ?? false;
}

export function requireRole(viewer: Viewer | null, role: Role): Viewer {
  const v = requireViewer(viewer);
  if (!hasRole(v, role)) throw forbidden(`requires role ${role}`);
  return v;
}

/** Operators act on the venues granted to them; admins on all. */
export function canOperateVenue(viewer: Viewer | null, venueId: string): boolean {
  if (!viewer) return false;
  return hasRole(viewer, 'ADMIN') || (hasRole(viewer, 'VENUE_OPERATOR') && viewer.venueIds.includes(venueId));
}

export function requireVenueOperator(viewer: Viewer | null, venueId: string): Viewer {
  const v = requireViewer(viewer);
  if (!canOperateVenue(v, venueId)) throw forbidden('not an operator of this venue');
  return v;
}
