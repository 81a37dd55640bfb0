import DataLoader from 'dataloader';
import type { RequestInfo, Viewer } from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';
import { pointsSummaries, type PointsSummary } from './points-ledger.ts';
import { findUsersByIds, viewersOf, type UserRow } from './user-store.ts';

export interface Context extends RequestInfo, Loaders {
  /** The caller as the router vouches for it (`x-sv-identity`); null when anonymous. */
  viewer: Viewer | null;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Loaders live for one request: entity references from other subgraphs become one query, and
 * fields that read the same row (roles + operatedVenues, points + streak) read it once.
 */
export function createLoaders(db: PrismaClient) {
  return {
    users: new DataLoader<string, UserRow | null>((ids) => findUsersByIds(db, ids)),
    /** Roles and operated venues of a user, as viewerOf reads them. */
    viewers: new DataLoader<bigint, Viewer>((ids) => viewersOf(db, ids)),
    pointsSummaries: new DataLoader<bigint, PointsSummary>((ids) => pointsSummaries(db, ids)),
  };
}
