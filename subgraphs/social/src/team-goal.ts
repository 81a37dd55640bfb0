// TEAM_GOAL: the participants pool their (daily-capped) workout minutes towards one goal the creator
// sets. There is no competition: the board lists contributions, everyone shares rank 1, and at
// settlement every contributor is rewarded alike, but only if the team reached the goal.
//
// The team total is never a stored counter. It is the sum of the members' own scores: each score
// has a single writer (the check-in topic is keyed by user) and only grows (ZADD GT in Redis), so a
// sum over ≤ 50 members is exact under any number of concurrent events of different users. A shared
// counter would be one contended document, which FerretDB v1 cannot update safely (decision 0010).
import { badInput, shanghaiDate } from '@sport-venue/shared';
import type { RankedEntry } from './ranking.ts';
import type { ChallengeType } from './scoring.ts';
import type { Window } from './window.ts';

/** The smallest goal worth a challenge: one hour of training for the whole team. */
export const MIN_GOAL_MINUTES = 60;

export interface TeamProgress {
  /** Minutes credited to all participants together. */
  total: number;
  goal: number;
  reached: boolean;
  /** floor(100 · total / goal), at most 100: 100 exactly when the goal is reached. */
  percent: number;
}

export function teamProgress(total: number, goal: number): TeamProgress {
  const reached = total >= goal;
  return { total, goal, reached, percent: reached ? 100 : Math.floor((total * 100) / goal) };
}

/** Sum of the members' scores (board entries or frozen standings). */
export const teamTotal = (entries: ReadonlyArray<{ score: number }>) =>
  entries.reduce((sum, e) => sum + e.score, 0);

/** Asia/Shanghai calendar days the window touches: each is one daily minutes cap per participant. */
export function windowDays(window: Window): number {
  const first = Date.parse(`${shanghaiDate(window.startsAt)}T00:00:00Z`);
  const last = Date.parse(`${shanghaiDate(new Date(window.endsAt.getTime() - 1))}T00:00:00Z`);
  return Math.round((last - first) / 86_400_000) + 1;
}

/** The most minutes a full team can be credited in the window: the largest goal that makes sense. */
export const maxGoal = (maxParticipants: number, dailyMinutesCap: number, window: Window) =>
  maxParticipants * dailyMinutesCap * windowDays(window);

/**
 * The goal a creation request asks for: required for TEAM_GOAL (MIN_GOAL_MINUTES up to what a
 * full team can reach in the window), refused for every other type. Throws BAD_USER_INPUT (field
 * `goal`).
 */
export function resolveGoal(
  type: ChallengeType,
  goal: number | null | undefined,
  limits: { maxParticipants: number; dailyMinutesCap: number; window: Window },
): number | null {
  if (type !== 'TEAM_GOAL') {
    if (goal != null) throw badInput('only a TEAM_GOAL challenge has a goal', 'goal');
    return null;
  }
  if (goal == null) throw badInput('a TEAM_GOAL challenge needs a goal (minutes)', 'goal');
  const max = maxGoal(limits.maxParticipants, limits.dailyMinutesCap, limits.window);
  if (!Number.isInteger(goal) || goal < MIN_GOAL_MINUTES || goal > max)
    throw badInput(
      `goal must be ${MIN_GOAL_MINUTES}–${max} minutes (what ${limits.maxParticipants} participants can reach in this window)`,
      'goal',
    );
  return goal;
}

/** A TEAM_GOAL board: the same order (largest contribution first, earlier first), no ranking. */
export const asContributions = (entries: RankedEntry[]): RankedEntry[] =>
  entries.map((e) => ({ ...e, rank: 1 }));
