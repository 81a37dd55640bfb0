/**
 * Local wall-clock calendar in an IANA time zone, correct across DST.
 *
 * The UTC offset is read from `Intl.DateTimeFormat` (cached per UTC hour, so a long series costs
 * one Intl call per hour); local fields are then plain arithmetic on `ms + offset`.
 * Weekdays are numbered Monday = 0 … Sunday = 6; hour-of-week = weekday * 24 + local hour (0..167).
 */

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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone if it is not a valid IANA time zone. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatterFor(timeZone);
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}"`);
  }
}

const offsetCache = new Map<string, Map<number, number>>();

/** UTC offset (minutes) of `timeZone` at instant `ms`. */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  let cache = offsetCache.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  // Offsets change on (UTC) quarter-hour boundaries at the finest; caching per 15 min is exact.
  const key = Math.floor(ms / 900_000);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const probe = key * 900_000;
  let y = 0,
    mo = 0,
    d = 0,
    h = 0,
    mi = 0,
    s = 0;
  for (const p of formatterFor(timeZone).formatToParts(new Date(probe))) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
      default:
        break;
    }
  }
  const off = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - probe) / 60_000);
  if (cache.size > 200_000) cache.clear();
  cache.set(key, off);
  return off;
}

/** Local calendar fields of instant `at` in `timeZone`. */
export function localParts(at: Date | number, timeZone: string): LocalParts {
  const ms = typeof at === 'number' ? at : at.getTime();
  const off = utcOffsetMinutes(ms, timeZone);
  const l = new Date(ms + off * 60_000);
  return {
    year: l.getUTCFullYear(),
    month: l.getUTCMonth() + 1,
    day: l.getUTCDate(),
    hour: l.getUTCHours(),
    minute: l.getUTCMinutes(),
    second: l.getUTCSeconds(),
    weekday: (l.getUTCDay() + 6) % 7,
    offsetMinutes: off,
  };
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

export function dateKey(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Shift a 'YYYY-MM-DD' calendar date by whole days. */
export function addDaysToKey(key: string, days: number): string {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return dateKey(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
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

/**
 * The instant at which the local wall clock in `timeZone` shows the given time. For a wall time
 * skipped by DST the result is shifted forward by the gap; for a repeated one the earlier instant.
 */
export function zonedTimeToUtc(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Try the offsets in force a day either side; prefer the earliest instant that maps back exactly.
  const candidates = new Set([
    utcOffsetMinutes(wall - DAY_MS, timeZone),
    utcOffsetMinutes(wall, timeZone),
    utcOffsetMinutes(wall + DAY_MS, timeZone),
  ]);
  let best: number | undefined;
  for (const off of candidates) {
    const ms = wall - off * 60_000;
    if (utcOffsetMinutes(ms, timeZone) === off && (best === undefined || ms < best)) best = ms;
  }
  if (best === undefined) best = wall - utcOffsetMinutes(wall - DAY_MS, timeZone) * 60_000; // DST gap
  return new Date(best);
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
