/**
 * Local wall-clock calendar in an IANA time zone, correct across DST, in the forecaster's terms
 * (on the shared zone arithmetic of packages/shared/src/local-time.ts).
 * Weekdays are numbered Monday = 0 … Sunday = 6; hour-of-week = weekday * 24 + local hour (0..167).
 */

import {
  addDaysToKey,
  dateKey,
  isValidTimeZone,
  utcOffsetMinutes,
  wallClock,
  zonedTimeToUtc,
} from '@sport-venue/shared/local-time';

// The zone arithmetic itself is shared with the venue subgraph and the console.
export { addDaysToKey, dateKey, utcOffsetMinutes, zonedTimeToUtc };

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const HOURS_PER_WEEK = 168;

export interface LocalParts {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0..23 */
  hour: number;
  minute: number;
  second: number;
  /** Monday = 0 … Sunday = 6 */
  weekday: number;
  /** UTC offset in minutes (e.g. +60 for CET, +120 for CEST). */
  offsetMinutes: number;
}

/** Throws a RangeError naming the zone if it is not a valid IANA time zone. */
export function assertTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone "${timeZone}"`);
}

/** Local calendar fields of instant `at` in `timeZone`. */
export function localParts(at: Date | number, timeZone: string): LocalParts {
  const { year, month, day, hour, minute, second, isoWeekday, offsetMinutes } = wallClock(at, timeZone);
  return { year, month, day, hour, minute, second, weekday: isoWeekday - 1, offsetMinutes };
}

/** Local hour-of-week (Monday 00:00–00:59 = 0 … Sunday 23:00–23:59 = 167). */
export function hourOfWeek(at: Date | number, timeZone: string): number {
  const p = localParts(at, timeZone);
  return p.weekday * 24 + p.hour;
}

/** Start instant (ms) of the local hour containing `at`. */
export function localHourStart(at: Date | number, timeZone: string): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  const off = utcOffsetMinutes(ms, timeZone);
  const local = ms + off * 60_000;
  return local - (((local % HOUR_MS) + HOUR_MS) % HOUR_MS) - off * 60_000;
}

/** 'YYYY-MM-DD' of the local day containing `at`. */
export function localDateKey(at: Date | number, timeZone: string): string {
  const p = localParts(at, timeZone);
  return dateKey(p.year, p.month, p.day);
}

/** Monday = 0 … Sunday = 6 for a 'YYYY-MM-DD' date. */
export function weekdayOfKey(key: string): number {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

/** 1-based day of the year. */
export function dayOfYear(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
}

export function daysInYear(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * Parses an ISO 8601 instant. A value with `Z` or a numeric offset is absolute; a date-only or
 * offset-less date-time is read as local wall time in `timeZone` (so `2026-01-01` means local
 * midnight). Returns null when unparseable.
 */
export function parseInstant(value: string, timeZone: string): Date | null {
  const s = value.trim();
  const m = LOCAL_ISO.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, ms] = m;
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    return zonedTimeToUtc(
      timeZone,
      Number(y),
      month,
      day,
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(sec ?? 0),
      Number((ms ?? '0').padEnd(3, '0')),
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t);
}
