/**
 * Every time rule (opening hours, auto check-out, the 3-hour counting window, cancellation
 * windows, sampling) reads the time from here, so tests move time instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and advance by hand. */
export function manualClock(start: Date | string | number) {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set(at: Date | string | number) {
      current = new Date(at).getTime();
    },
    advance(ms: number) {
      current += ms;
    },
  };
}

export type ManualClock = ReturnType<typeof manualClock>;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
