/**
 * "Best time to visit": the quietest open forecast hour of a local date. Opening hours come from
 * the venue subgraph (through @requires) and the model server marks closed hours; for a venue
 * without opening hours "open" is approximated: hours whose expected headcount is below a tenth of
 * that day's forecast peak count as closed (a closed gym forecasts ~0, and a quiet open hour
 * rarely drops below 10 % of the peak).
 */
import { localDateKey } from '@sport-venue/forecast';
import type { CachedPoint } from './forecast-cache.ts';

const HOUR_MS = 3_600_000;
export const OPEN_SHARE_OF_PEAK = 0.1;

export class BestTimeInputError extends Error {
  override name = 'BestTimeInputError';
}

/**
 * Hours of forecast needed from the current hour so that `date` (YYYY-MM-DD, local in `timeZone`)
 * is fully covered. Throws BestTimeInputError for a malformed date, a past date or one beyond
 * `maxHours`.
 */
export function hoursToCover(date: string, timeZone: string, now: Date, maxHours: number): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const utcMidnight = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!Number.isFinite(utcMidnight) || new Date(utcMidnight).toISOString().slice(0, 10) !== date)
    throw new BestTimeInputError('date must be YYYY-MM-DD');
  const today = localDateKey(now, timeZone);
  if (date < today) throw new BestTimeInputError('date is in the past');
  // The local day ends at most 14 h (UTC−12) after the next UTC midnight.
  const end = utcMidnight + 38 * HOUR_MS;
  const start = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const hours = Math.ceil((end - start) / HOUR_MS);
  if (hours > maxHours)
    throw new BestTimeInputError(`date must be within the next ${Math.floor(maxHours / 24)} days`);
  return hours;
}

/**
 * The quietest open hour of `date` among `points`, or null when none is open. With
 * `openingHoursKnown` the points' `closed` marks decide; otherwise the share-of-peak rule.
 */
export function quietestHour(
  points: readonly CachedPoint[],
  date: string,
  timeZone: string,
  openingHoursKnown = false,
): CachedPoint | null {
  const day = points.filter((p) => localDateKey(Date.parse(p.at), timeZone) === date);
  const peak = Math.max(0, ...day.map((p) => p.expected));
  const isOpen = openingHoursKnown
    ? (p: CachedPoint) => !p.closed
    : (p: CachedPoint) => peak > 0 && p.expected >= peak * OPEN_SHARE_OF_PEAK;
  let best: CachedPoint | null = null;
  for (const p of day) {
    if (!isOpen(p)) continue;
    if (!best || p.expected < best.expected) best = p;
  }
  return best;
}
