import DataLoader from 'dataloader';
import { groupedLoader, type RequestInfo, type StatsPeriod, type Viewer } from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';
import { pointsHistories, pointsSummaries, type PointsSummary } from './points-ledger.ts';
import type { RedisClient } from '@sport-venue/shared';
import { readUsersStats } from './stats.ts';
import { findUsersByIds, viewersOf, type UserRow } from './user-store.ts';

export interface Context extends RequestInfo, Loaders {
  /** The caller as the router vouches for it (`x-sv-identity`); null when anonymous. */
  viewer: Viewer | null;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Loaders live for one request: entity references from other subgraphs become one query, and
 * fields that read the same row (roles + operatedVenues, points + streak) read it once; list
 * fields with arguments (points history, stats) read all the users of a request together.
 */
export function createLoaders(db: PrismaClient, redis: RedisClient) {
  return {
    /** Points.history pages of a list of users: one query per page size and cursor. */
    pointsHistory: groupedLoader(
      (ids: bigint[], page: { first: number; beforeId: bigint | null }) => pointsHistories(db, ids, page),
      (page) => `${page.first}:${page.beforeId ?? ''}`,
    ),
    /** User.stats of a list of users: one Redis round trip per period and instant. */
    stats: groupedLoader(
      (ids: string[], q: { period: StatsPeriod; at: Date }) => readUsersStats(redis, ids, q.period, q.at),
      (q) => `${q.period}:${q.at.getTime()}`,
    ),
    users: new DataLoader<string, UserRow | null>((ids) => findUsersByIds(db, ids)),
    /** Roles and operated venues of a user, as viewerOf reads them. */
    viewers: new DataLoader<bigint, Viewer>((ids) => viewersOf(db, ids)),
    pointsSummaries: new DataLoader<bigint, PointsSummary>((ids) => pointsSummaries(db, ids)),
  };
}
