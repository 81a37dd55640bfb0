import { badInput, InputReason } from '@sport-venue/shared';
import { MINUTE_MS } from '../clock.ts';
import { localParts } from '../local-time.ts';

/**
 * Stored form (Venue.openingHours): ISO weekday "1".."7" -> [[openMinute, closeMinute)] in the
 * venue's local time. closeMinute may exceed 1440 for a span running past midnight; a day that
 * is missing or empty is closed.
 */
export type OpeningHours = Record<string, Array<[number, number]>>;

export interface OpeningDayInput {
  weekday: number;
  spans: Array<{ openMinute: number; closeMinute: number }>;
}

const prevWeekday = (d: number) => (d === 1 ? 7 : d - 1);

/** Reads the JSON column defensively: anything malformed counts as closed, never as open. */
export function readOpeningHours(json: unknown): OpeningHours {
  const out: OpeningHours = {};
  if (!json || typeof json !== 'object') return out;
  for (const [day, spans] of Object.entries(json as Record<string, unknown>)) {
    if (!/^[1-7]$/.test(day) || !Array.isArray(spans)) continue;
    out[day] = spans.filter(
      (s): s is [number, number] =>
        Array.isArray(s) &&
        s.length === 2 &&
        Number.isInteger(s[0]) &&
        Number.isInteger(s[1]) &&
        s[0] >= 0 &&
        s[0] < s[1] &&
        s[1] <= 2880,
    );
  }
  return out;
}

/** Validates operator input into the stored form; BAD_USER_INPUT names what is wrong. */
export function openingHoursFromInput(days: OpeningDayInput[]): OpeningHours {
  const out: OpeningHours = {};
  for (const day of days) {
    if (!Number.isInteger(day.weekday) || day.weekday < 1 || day.weekday > 7)
      throw badInput('weekday must be 1 (Monday) to 7 (Sunday)', 'openingHours', {
        reason: InputReason.WEEKDAY,
        min: 1,
        max: 7,
      });
    if (out[String(day.weekday)])
      throw badInput(`weekday ${day.weekday} is listed twice`, 'openingHours', {
        reason: InputReason.WEEKDAY_REPEATED,
        weekday: day.weekday,
      });
    const spans = [...day.spans]
      .map((s) => [s.openMinute, s.closeMinute] as [number, number])
      .sort((a, b) => a[0] - b[0]);
    spans.forEach(([open, close], i) => {
      if (!Number.isInteger(open) || !Number.isInteger(close) || open < 0 || open >= 1440 || close <= open)
        throw badInput(
          'each span needs 0 <= openMinute < 1440 and closeMinute > openMinute',
          'openingHours',
          {
            reason: InputReason.SPAN,
            weekday: day.weekday,
          },
        );
      if (close - open > 1440)
        throw badInput('a span lasts at most 24 hours', 'openingHours', {
          reason: InputReason.DURATION,
          weekday: day.weekday,
          minMinutes: 1,
          maxMinutes: 1440,
        });
      if (i > 0 && open < spans[i - 1]![1])
        throw badInput('spans of one day overlap', 'openingHours', {
          reason: InputReason.SPANS_OVERLAP,
          weekday: day.weekday,
        });
    });
    out[String(day.weekday)] = spans;
  }
  return out;
}

export function openingHoursToDays(hours: OpeningHours): OpeningDayInput[] {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    spans: (hours[String(weekday)] ?? []).map(([openMinute, closeMinute]) => ({ openMinute, closeMinute })),
  }));
}

/** Every open span, Monday first, each day's in stored order (what the forecaster is sent). */
export function openingSpans(hours: OpeningHours) {
  return openingHoursToDays(hours).flatMap((day) => day.spans.map((s) => ({ weekday: day.weekday, ...s })));
}

/**
 * The open span containing `at`, as the minute it ends relative to the local midnight of `base`
 * (today or, for a span spilling past midnight, yesterday), or null when closed.
 */
function spanAt(hours: OpeningHours, weekday: number, minuteOfDay: number) {
  for (const [open, close] of hours[String(weekday)] ?? []) {
    if (open <= minuteOfDay && minuteOfDay < close) return { weekday, end: close, now: minuteOfDay };
  }
  const yesterday = prevWeekday(weekday);
  for (const [open, close] of hours[String(yesterday)] ?? []) {
    if (close > 1440 && open <= minuteOfDay + 1440 && minuteOfDay + 1440 < close)
      return { weekday: yesterday, end: close, now: minuteOfDay + 1440 };
  }
  return null;
}

export function isOpenAt(hours: OpeningHours, at: Date, timeZone: string): boolean {
  const local = localParts(at, timeZone);
  return spanAt(hours, local.weekday, local.msOfDay / MINUTE_MS) !== null;
}

/**
 * When the venue next closes, following spans that continue across midnight: 'closed' when it is
 * closed now, null when it never closes (open around the clock). Ignores a DST shift in the span.
 */
export function closesAt(hours: OpeningHours, at: Date, timeZone: string): Date | null | 'closed' {
  const local = localParts(at, timeZone);
  const span = spanAt(hours, local.weekday, local.msOfDay / MINUTE_MS);
  if (!span) return 'closed';
  // Minutes are counted from local midnight of the span's own day.
  let end = span.end;
  for (;;) {
    if (end - span.now > 8 * 1440) return null;
    const k = Math.floor(end / 1440);
    const day = ((span.weekday - 1 + k) % 7) + 1;
    const r = end - k * 1440;
    const continued = (hours[String(day)] ?? []).find(([open, close]) => open <= r && r < close);
    if (!continued) break;
    end = k * 1440 + continued[1];
  }
  return new Date(at.getTime() + (end - span.now) * MINUTE_MS);
}
