import DataLoader from 'dataloader';
import type { RequestInfo, Viewer } from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';
import { findUsersByIds, type UserRow } from './user-store.ts';

export interface Context extends RequestInfo {
  /** The caller as the router vouches for it (`x-sv-identity`); null when anonymous. */
  viewer: Viewer | null;
  users: DataLoader<string, UserRow | null>;
}

/** Loaders live for one request: entity references from other subgraphs become one query. */
export function createLoaders(db: PrismaClient) {
  return { users: new DataLoader<string, UserRow | null>((ids) => findUsersByIds(db, ids)) };
}
