import type { PrismaClient } from '../generated/prisma/client.ts';
import { findVenuesByIds, type VenueRow } from './venue-store.ts';

/**
 * Venues for the hot paths (check-in, occupancy messages), cached briefly. An update made through
 * this process is visible at once; one made through another instance within `ttlMs`.
 */
export class VenueCatalog {
  readonly #db: PrismaClient;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { expires: number; row: Promise<VenueRow | null> }>();

  constructor(db: PrismaClient, ttlMs = 30_000) {
    this.#db = db;
    this.#ttlMs = ttlMs;
  }

  get(id: string): Promise<VenueRow | null> {
    const hit = this.#entries.get(id);
    if (hit && hit.expires > Date.now()) return hit.row;
    const row = findVenuesByIds(this.#db, [id]).then(([r]) => r ?? null);
    this.#entries.set(id, { expires: Date.now() + this.#ttlMs, row });
    // Only venues are cached: an unknown id may be created any moment by another instance.
    row.then(
      (r) => r === null && this.#entries.delete(id),
      () => this.#entries.delete(id),
    );
    if (this.#entries.size > 50_000) this.#entries.clear();
    return row;
  }

  invalidate(id: string): void {
    this.#entries.delete(id);
  }
}
