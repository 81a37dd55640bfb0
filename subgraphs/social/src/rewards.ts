// What settlement pays. Rewards go to the points ledger as commands with an idempotency key per
// (challenge, user), so a settlement retried after a crash never pays twice.
import type { RankedEntry } from './ranking.ts';
import type { ChallengeType } from './scoring.ts';

/** Points by final rank (ties share the rank, so tied winners get the same reward). */
const BY_RANK: Record<number, number> = { 1: 100, 2: 60, 3: 30 };
/** Every participant who made progress gets at least this. */
const FINISHER = 10;
/** TEAM_GOAL has no ranking: everyone who contributed gets the same. */
const TEAM_CONTRIBUTOR = 30;

export interface Reward {
  userId: string;
  points: number;
  idempotencyKey: string;
}

export const rewardKey = (challengeId: string, userId: string) => `pk:${challengeId}:reward:${userId}`;

export function rewardsFor(challengeId: string, type: ChallengeType, standings: RankedEntry[]): Reward[] {
  return standings
    .filter((s) => s.score > 0)
    .map((s) => ({
      userId: s.userId,
      points: type === 'TEAM_GOAL' ? TEAM_CONTRIBUTOR : (BY_RANK[s.rank] ?? FINISHER),
      idempotencyKey: rewardKey(challengeId, s.userId),
    }));
}
