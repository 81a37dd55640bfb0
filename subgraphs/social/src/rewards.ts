// What settlement pays. Rewards go to the points ledger as commands with an idempotency key per
// (challenge, user), so a settlement retried after a crash never pays twice.
import type { RankedEntry } from './ranking.ts';
import type { ChallengeType } from './scoring.ts';
import { teamTotal } from './team-goal.ts';

/** Points by final rank (ties share the rank, so tied winners get the same reward). */
const BY_RANK: Record<number, number> = { 1: 100, 2: 60, 3: 30 };
/** Every participant who made progress gets at least this. */
const FINISHER = 10;
/** TEAM_GOAL has no ranking: everyone who contributed gets the same, if the team reached its goal. */
const TEAM_CONTRIBUTOR = 30;

export interface Reward {
  userId: string;
  points: number;
  idempotencyKey: string;
}

export const rewardKey = (challengeId: string, userId: string) => `pk:${challengeId}:reward:${userId}`;

/**
 * The rewards of final standings. Only participants with progress (score > 0) are paid. TEAM_GOAL:
 * nobody is paid unless the team total reached `goal` (a TEAM_GOAL created before goals existed has
 * none and pays its contributors, as it always did).
 */
export function rewardsFor(
  challengeId: string,
  type: ChallengeType,
  standings: RankedEntry[],
  goal: number | null = null,
): Reward[] {
  if (type === 'TEAM_GOAL' && goal !== null && teamTotal(standings) < goal) return [];
  return standings
    .filter((s) => s.score > 0)
    .map((s) => ({
      userId: s.userId,
      points: type === 'TEAM_GOAL' ? TEAM_CONTRIBUTOR : (BY_RANK[s.rank] ?? FINISHER),
      idempotencyKey: rewardKey(challengeId, s.userId),
    }));
}
