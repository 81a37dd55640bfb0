// Wall-clock time in an IANA zone, correct across DST, for every part that needs it: the venue
// subgraph (opening hours, popular times), the forecaster (hour-of-week features) and the console
// (the venue's own day in the browser, whatever the browser's zone). Browser-safe: no imports.
//
// The UTC offset comes from Intl.DateTimeFormat, cached per zone and UTC quarter-hour (offsets
// change on quarter-hour boundaries at the finest), so a long series costs one Intl call per
// quarter-hour; the local fields are then plain arithmetic on `ms + offset`.

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
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

export function isValidTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const offsetCache = new Map<string, Map<number, number>>();

/** UTC offset (minutes) of `timeZone` at instant `ms` (e.g. +60 for CET, +120 for CEST). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  let cache = offsetCache.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  const key = Math.floor(ms / 900_000);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const probe = key * 900_000;
  const f: Record<string, number> = {};
  for (const p of zoneFormatter(timeZone).formatToParts(new Date(probe)))
    if (p.type !== 'literal') f[p.type] = Number(p.value);
  const off = Math.round(
    (Date.UTC(f.year!, f.month! - 1, f.day!, f.hour! % 24, f.minute!, f.second!) - probe) / 60_000,
  );
  if (cache.size > 200_000) cache.clear();
  cache.set(key, off);
  return off;
}

/** Wall-clock fields of an instant in a zone. */
export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0..23 */
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 1 = Monday … 7 = Sunday */
  isoWeekday: number;
  /** UTC offset in minutes. */
  offsetMinutes: number;
}

export function wallClock(at: Date | number | string, timeZone: string): WallClock {
  const ms = typeof at === 'number' ? at : new Date(at).getTime();
  const off = utcOffsetMinutes(ms, timeZone);
  const l = new Date(ms + off * 60_000);
  return {
    year: l.getUTCFullYear(),
    month: l.getUTCMonth() + 1,
    day: l.getUTCDate(),
    hour: l.getUTCHours(),
    minute: l.getUTCMinutes(),
    second: l.getUTCSeconds(),
    millisecond: l.getUTCMilliseconds(),
    isoWeekday: ((l.getUTCDay() + 6) % 7) + 1,
    offsetMinutes: off,
  };
}

/**
 * The instant at which the wall clock in `timeZone` shows the given time (fields may overflow:
 * minute 1500 is the next day). A wall time skipped by DST is shifted forward by the gap; a
 * repeated one gives the earlier instant.
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

/** 'YYYY-MM-DD' of a calendar date. */
export function dateKey(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function keyParts(key: string): [number, number, number] {
  return key.split('-').map(Number) as [number, number, number];
}

/** Shift a 'YYYY-MM-DD' calendar date by whole days. */
export function addDaysToKey(key: string, days: number): string {
  const [y, m, d] = keyParts(key);
  const t = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return dateKey(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** 1 = Monday … 7 = Sunday for a 'YYYY-MM-DD' date. */
export function isoWeekdayOfKey(key: string): number {
  const [y, m, d] = keyParts(key);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
export function dayNumberOfKey(key: string): number {
  const [y, m, d] = keyParts(key);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}
