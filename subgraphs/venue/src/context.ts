import DataLoader from 'dataloader';
import type { RequestInfo } from '@sport-venue/shared';
import type { Redis } from 'ioredis';
import type { PrismaClient } from './generated/prisma/client.ts';
import { currentCounts } from './occupancy-store.ts';
import { findVenuesByIds, type VenueRow } from './venue-store.ts';

export interface Context extends RequestInfo {
  venues: DataLoader<string, VenueRow | null>;
  currentCount: DataLoader<string, number>;
}

/** Loaders live for one request: entity fetches and counts for a whole list become one query each. */
export function createLoaders(db: PrismaClient, redis: Redis) {
  return {
    venues: new DataLoader<string, VenueRow | null>((ids) => findVenuesByIds(db, ids)),
    currentCount: new DataLoader<string, number>((ids) => currentCounts(redis, ids)),
  };
}
