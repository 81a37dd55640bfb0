// Challenge windows. Asia/Shanghai has no daylight saving time, so local midnight is always 16:00
// UTC the day before; computing with a fixed +8 h offset is exact and needs no Intl round trips.
import { domainError, statsPeriodKey } from '@sport-venue/shared';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
export const MAX_WINDOW_DAYS = 30;

export interface Window {
  startsAt: Date;
  endsAt: Date;
}

const invalidWindow = (message: string) => domainError('INVALID_WINDOW', message);

/** Monday 00:00 Asia/Shanghai of an ISO week key such as `2026-W49` (null when malformed). */
export function isoWeekWindow(week: string): Window | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return null;
  const year = Number(match[1]);
  const n = Number(match[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = new Date(jan4).getUTCDay() || 7;
  const monday = jan4 - (jan4Weekday - 1) * DAY_MS + (n - 1) * 7 * DAY_MS;
  // Week 53 exists only in long years; reject a key that rolls over into the next year's week 1.
  if (n < 1 || statsPeriodKey('week', new Date(monday - SHANGHAI_OFFSET_MS)) !== week) return null;
  const startsAt = new Date(monday - SHANGHAI_OFFSET_MS);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 7 * DAY_MS) };
}

/** The ISO week after the one containing `now` (the default window: people need time to join). */
export function nextIsoWeek(now: Date): Window {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  const weekday = local.getUTCDay() || 7;
  const localMidnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const nextMonday = localMidnight + (8 - weekday) * DAY_MS;
  const startsAt = new Date(nextMonday - SHANGHAI_OFFSET_MS);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 7 * DAY_MS) };
}

export interface WindowInput {
  week?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
}

/** Slack for clocks: a custom window may start this long before "now" (e.g. "starting now"). */
const START_SLACK_MS = 5 * 60_000;

/** The window a creation request asks for; throws INVALID_WINDOW. */
export function resolveWindow(input: WindowInput, now: Date): Window {
  const custom = input.startsAt != null || input.endsAt != null;
  if (input.week != null && custom) throw invalidWindow('give either week or startsAt/endsAt, not both');
  let window: Window;
  if (input.week != null) {
    const week = isoWeekWindow(input.week);
    if (!week) throw invalidWindow('week must be an ISO week such as 2026-W49');
    window = week;
  } else if (custom) {
    if (input.startsAt == null || input.endsAt == null)
      throw invalidWindow('a custom window needs both startsAt and endsAt');
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime()))
      throw invalidWindow('startsAt and endsAt must be ISO 8601 date-times');
    if (endsAt <= startsAt) throw invalidWindow('endsAt must be after startsAt');
    if (endsAt.getTime() - startsAt.getTime() > MAX_WINDOW_DAYS * DAY_MS)
      throw invalidWindow(`a window lasts at most ${MAX_WINDOW_DAYS} days`);
    window = { startsAt, endsAt };
  } else {
    return nextIsoWeek(now);
  }
  if (window.startsAt.getTime() < now.getTime() - START_SLACK_MS)
    throw invalidWindow('the window must not start in the past');
  return window;
}

/** Whether an instant falls inside [startsAt, endsAt). */
export const inWindow = (window: Window, at: Date) => at >= window.startsAt && at < window.endsAt;
