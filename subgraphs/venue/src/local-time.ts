import { dayNumberOfKey, dateKey, isValidTimeZone, wallClock } from '@sport-venue/shared/local-time';

export { isValidTimeZone };

/** Wall-clock parts of an instant in an IANA zone (shared zone arithmetic: packages/shared). */
export interface LocalParts {
  /** YYYY-MM-DD */
  date: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
  /** Milliseconds since local midnight. */
  msOfDay: number;
}

export function localParts(at: Date, timeZone: string): LocalParts {
  const w = wallClock(at, timeZone);
  return {
    date: dateKey(w.year, w.month, w.day),
    weekday: w.isoWeekday,
    hour: w.hour,
    minute: w.minute,
    msOfDay: ((w.hour * 60 + w.minute) * 60 + w.second) * 1000 + w.millisecond,
  };
}

/** Days since 1970-01-01 of a YYYY-MM-DD calendar date. */
export const dayNumber = dayNumberOfKey;
