/**
 * Weekly opening hours in a venue's local time, as the venue subgraph publishes them: ISO weekday
 * 1 (Monday) … 7 (Sunday) with spans [openMinute, closeMinute) after local midnight; closeMinute
 * may exceed 1440 for a span that runs past midnight into the next day.
 *
 * The forecaster only needs to know, per local hour of the week, whether the venue is open at all
 * during it: a gym that closes at 22:00 has nobody in it at 03:00, whatever the model says.
 */
import { HOURS_PER_WEEK } from './calendar.ts';

export interface OpeningSpan {
  weekday: number;
  openMinute: number;
  closeMinute: number;
}

const WEEK_MINUTES = HOURS_PER_WEEK * 60;

/**
 * 168 flags by hour-of-week (Monday 00:00 = 0): 1 when the venue is open for at least a minute of
 * that hour. Null when `spans` holds no valid span: "no opening hours" means unknown, not closed.
 */
export function openHoursOfWeek(spans: readonly OpeningSpan[] | undefined): Uint8Array | null {
  const open = new Uint8Array(HOURS_PER_WEEK);
  let any = false;
  for (const s of spans ?? []) {
    const valid =
      Number.isInteger(s.weekday) &&
      s.weekday >= 1 &&
      s.weekday <= 7 &&
      Number.isInteger(s.openMinute) &&
      Number.isInteger(s.closeMinute) &&
      s.openMinute >= 0 &&
      s.openMinute < s.closeMinute &&
      s.closeMinute <= 2 * 1440;
    if (!valid) continue;
    any = true;
    const start = (s.weekday - 1) * 1440 + s.openMinute;
    const end = (s.weekday - 1) * 1440 + s.closeMinute;
    // Hours touched by [start, end), wrapping Sunday night into Monday morning.
    for (let h = Math.floor(start / 60); h * 60 < end; h++) open[h % HOURS_PER_WEEK] = 1;
    if (end > WEEK_MINUTES) for (let h = 0; h * 60 < end - WEEK_MINUTES; h++) open[h] = 1;
  }
  return any ? open : null;
}
