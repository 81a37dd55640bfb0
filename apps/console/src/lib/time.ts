// Times in the venue's own time zone, whatever the browser's is (the zone arithmetic is shared
// with the subgraphs: packages/shared/src/local-time.ts).
import { addDaysToKey, isoWeekdayOfKey, wallClock, zonedTimeToUtc } from '@sport-venue/shared/local-time';

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(instant: Date | string, timeZone: string): LocalParts {
  const { year, month, day, hour, minute, second } = wallClock(instant, timeZone);
  return { year, month, day, hour, minute, second };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** YYYY-MM-DD of an instant in the zone. */
export function localDate(instant: Date | string, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** "YYYY-MM-DD HH:mm" in the zone: the format of tables and the CSV export. */
export function formatLocal(instant: Date | string | null | undefined, timeZone: string): string {
  if (!instant) return '';
  const p = localParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** "HH:mm" in the zone. */
export function formatLocalTime(instant: Date | string, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** The instant at which the zone's wall clock reads `date` + `minutes` after midnight. */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a date: ${date}`);
  return zonedTimeToUtc(timeZone, Number(match[1]), Number(match[2]), Number(match[3]), 0, minutes);
}

export const addDays = addDaysToKey;

/** [local midnight of `from`, local midnight after `to`) as ISO instants: a filter of whole days. */
export function localDaysRange(from: string, to: string, timeZone: string): { from: string; to: string } {
  return {
    from: zonedInstant(from, 0, timeZone).toISOString(),
    to: zonedInstant(addDays(to, 1), 0, timeZone).toISOString(),
  };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export const isoWeekday = isoWeekdayOfKey;

/** "HH:mm" → minutes after midnight; null when malformed. */
export function parseClock(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

export function clockOf(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}
