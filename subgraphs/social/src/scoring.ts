// How a check-in event moves a participant's score, per challenge type. Pure: the store reads the
// participant's progress, applies this, and writes the result back only if nobody changed it since.
import { shanghaiDate, type CheckinEvent } from '@sport-venue/shared';
import { inWindow, type Window } from './window.ts';

export const CHALLENGE_TYPES = ['CHECKIN_DAYS', 'WORKOUT_MINUTES', 'HEAD_TO_HEAD', 'TEAM_GOAL'] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];

export interface Progress {
  score: number;
  /** When the current score was reached (the event's time): the tie-break on the board. */
  achievedAt: Date | null;
  /** Asia/Shanghai dates with a counted check-in (day-counting types). */
  days: string[];
  /** Asia/Shanghai date → minutes credited that day (minute types), never above the daily cap. */
  minutesByDay: Record<string, number>;
  /** Events that changed this progress: a redelivered event is recognised and ignored. */
  eventIds: string[];
}

export const emptyProgress = (): Progress => ({
  score: 0,
  achievedAt: null,
  days: [],
  minutesByDay: {},
  eventIds: [],
});

export interface ScoringChallenge extends Window {
  type: ChallengeType;
  venueId: string | null;
}

export interface ScoringRules {
  /** WORKOUT_MINUTES / TEAM_GOAL: minutes credited per participant and local day at most. */
  dailyMinutesCap: number;
}

/** Day-counting types score distinct check-in days; the others score (capped) workout minutes. */
export const countsDays = (type: ChallengeType) => type === 'CHECKIN_DAYS' || type === 'HEAD_TO_HEAD';

/** The progress after `event`, or null when the event changes nothing (duplicate, out of scope, capped). */
export function applyCheckin(
  progress: Progress,
  event: CheckinEvent,
  challenge: ScoringChallenge,
  rules: ScoringRules,
): Progress | null {
  if (progress.eventIds.includes(event.id)) return null;
  if (challenge.venueId !== null && challenge.venueId !== event.venueId) return null;
  const at = new Date(event.at);
  // CHECKED_OUT carries the session's end: minutes count on the day (and in the window) they end.
  if (!inWindow(challenge, at)) return null;
  const day = shanghaiDate(at);
  if (countsDays(challenge.type)) {
    if (event.type !== 'CHECKED_IN' || !event.counted || progress.days.includes(day)) return null;
    const days = [...progress.days, day];
    return {
      ...progress,
      days,
      score: days.length,
      achievedAt: at,
      eventIds: [...progress.eventIds, event.id],
    };
  }
  if (event.type !== 'CHECKED_OUT' || !event.minutes) return null;
  const already = progress.minutesByDay[day] ?? 0;
  const credited = Math.min(event.minutes, Math.max(0, rules.dailyMinutesCap - already));
  if (credited <= 0) return null;
  return {
    ...progress,
    minutesByDay: { ...progress.minutesByDay, [day]: already + credited },
    score: progress.score + credited,
    achievedAt: at,
    eventIds: [...progress.eventIds, event.id],
  };
}
