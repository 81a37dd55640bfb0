import DataLoader from 'dataloader';
import { identityFromRequest, requestInfo, type RequestInfo, type Viewer } from '@sport-venue/shared';
import type { IncomingMessage } from 'node:http';
import type { ChallengeRecord } from './challenge-store.ts';
import type { ChallengeService } from './challenges.ts';
import type { ChallengeBoard } from './leaderboard-board.ts';
import type { TeamProgress } from './team-goal.ts';

export interface Context extends RequestInfo, Loaders {
  /** The caller as the router vouches for it (x-sv-identity), or null when anonymous. */
  viewer: Viewer | null;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Loaders live for one request: the entity references, venue and user challenge lists, boards and
 * team totals of a whole list each become one batch (a constant number of store round trips).
 */
export function createLoaders(service: ChallengeService, viewer: Viewer | null) {
  return {
    challenges: new DataLoader<string, ChallengeRecord | null>((ids) => service.findMany(ids)),
    venueChallenges: new DataLoader<string, ChallengeRecord[]>((ids) => service.atVenues(ids)),
    userChallenges: new DataLoader<string, ChallengeRecord[]>((ids) => service.ofUsers(ids)),
    leaderboards: new DataLoader<{ challenge: ChallengeRecord; first: number }, ChallengeBoard, string>(
      (keys) => service.leaderboards(keys.map((k) => ({ ...k, viewer }))),
      { cacheKeyFn: ({ challenge, first }) => `${challenge.id}:${first}` },
    ),
    teamProgress: new DataLoader<ChallengeRecord, TeamProgress | null, string>(
      (cs) => service.teamProgresses(cs),
      { cacheKeyFn: (c) => c.id },
    ),
  };
}

export async function createContext(
  req: IncomingMessage,
  identitySecret: string,
  service: ChallengeService,
): Promise<Context> {
  const viewer = await identityFromRequest(req, identitySecret);
  return { ...requestInfo(req), viewer, ...createLoaders(service, viewer) };
}
