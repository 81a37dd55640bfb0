/**
 * A dense grid of consecutive local hours in one time zone, with each hour's local calendar
 * (hour-of-week, day-of-year, date) precomputed, and the DST-aware "same local hour one day /
 * one week earlier" index shifts.
 */
import {
  HOUR_MS,
  dayOfYear,
  daysInYear,
  localHourStart,
  localParts,
  dateKey,
  utcOffsetMinutes,
} from './calendar.ts';

export class HourGrid {
  readonly timeZone: string;
  /** Start instant (ms) of hour 0. */
  readonly startMs: number;
  readonly length: number;
  /** Local hour 0..23. */
  readonly localHour: Uint8Array;
  /** Local weekday, Monday = 0. */
  readonly weekday: Uint8Array;
  /** Local hour-of-week 0..167. */
  readonly hourOfWeek: Uint8Array;
  /** Position in the local year, (dayOfYear - 0.5) / daysInYear, in (0, 1). */
  readonly yearFraction: Float32Array;
  /** Local 'YYYY-MM-DD'. */
  readonly dateKey: string[];
  readonly offsetMinutes: Int16Array;

  /** `startMs` is moved to the start of its local hour. */
  constructor(timeZone: string, startMs: number, length: number) {
    this.timeZone = timeZone;
    this.startMs = localHourStart(startMs, timeZone);
    this.length = Math.max(0, Math.floor(length));
    this.localHour = new Uint8Array(this.length);
    this.weekday = new Uint8Array(this.length);
    this.hourOfWeek = new Uint8Array(this.length);
    this.yearFraction = new Float32Array(this.length);
    this.offsetMinutes = new Int16Array(this.length);
    this.dateKey = new Array<string>(this.length);
    let lastKey = '';
    for (let i = 0; i < this.length; i++) {
      const p = localParts(this.startMs + i * HOUR_MS, timeZone);
      this.localHour[i] = p.hour;
      this.weekday[i] = p.weekday;
      this.hourOfWeek[i] = p.weekday * 24 + p.hour;
      this.offsetMinutes[i] = p.offsetMinutes;
      const key = dateKey(p.year, p.month, p.day);
      if (key !== lastKey) lastKey = key;
      this.dateKey[i] = lastKey;
      this.yearFraction[i] = (dayOfYear(p.year, p.month, p.day) - 0.5) / daysInYear(p.year);
    }
  }

  /** Grid covering the local hours of all instants in [fromMs, toMs] (inclusive). */
  static covering(timeZone: string, fromMs: number, toMs: number): HourGrid {
    const start = localHourStart(fromMs, timeZone);
    const end = localHourStart(toMs, timeZone);
    return new HourGrid(timeZone, start, Math.round((end - start) / HOUR_MS) + 1);
  }

  /** Index of the local hour containing `ms` (may lie outside [0, length)). */
  index(ms: number): number {
    return Math.round((localHourStart(ms, this.timeZone) - this.startMs) / HOUR_MS);
  }

  /** Start instant (ms) of hour `i` (any integer). */
  time(i: number): number {
    return this.startMs + i * HOUR_MS;
  }

  /**
   * Index of the same local wall-clock hour `days` days earlier (e.g. 7 = same hour last week):
   * 24·days hours back, corrected by the DST offset difference. May be negative (before the grid).
   */
  shiftDays(i: number, days: number): number {
    const j0 = i - 24 * days;
    const offI =
      i >= 0 && i < this.length ? this.offsetMinutes[i]! : utcOffsetMinutes(this.time(i), this.timeZone);
    const offJ =
      j0 >= 0 && j0 < this.length ? this.offsetMinutes[j0]! : utcOffsetMinutes(this.time(j0), this.timeZone);
    return j0 + Math.round((offI - offJ) / 60);
  }
}
