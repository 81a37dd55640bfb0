/**
 * Feature vector for one (venue, target hour, forecast origin).
 *
 * Time convention: the origin is the start of grid hour `o`; horizon h (1..24) targets the local
 * hour starting at o + h − 1 (h = 1 is the hour that begins at the origin). Only hourly values of
 * hours that have ended by the origin (indices < o) are used, so nothing after the origin leaks in.
 * Weather and bookings of the target hour are inputs known ahead (forecast / confirmed bookings).
 *
 * Occupancy values are divided by the venue's scale (its usual peak), so features and the model's
 * target are venue-normalised. Missing history falls back to "no deviation from the seasonal
 * profile" (residual 0, ratio 1) with a presence flag — never NaN.
 */
import type { HourGrid } from './grid.ts';
import { addDaysToKey } from './calendar.ts';

export const FEATURE_NAMES = [
  'hourOfDaySin',
  'hourOfDayCos',
  'dayOfWeekSin',
  'dayOfWeekCos',
  'weekend',
  'dayOfYearSin',
  'dayOfYearCos',
  'holiday',
  'holidayEve',
  'holidayAfter',
  'schoolHoliday',
  'profileTarget',
  'horizon',
  'lastLevel',
  'lastResidual',
  'lastAgeDays',
  'lastPresent',
  'residual3h',
  'ratio24hToLevelMinus1',
  'ratio24hTimesProfile',
  'yesterdayResidual',
  'yesterdayPresent',
  'lastWeekResidual',
  'lastWeekPresent',
  'twoWeeksResidual',
  'twoWeeksPresent',
  'fourWeeksResidual',
  'fourWeeksShare',
  'sameHour7dResidual',
  'sameHour7dShare',
  'bookings',
  'temperature',
  'precipitation',
  'weatherPresent',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

/**
 * Holiday flags per grid hour: the local day is a public holiday / the day before one / the day
 * after one; and whether it is in a school break (public holidays are left out of the recent
 * level, school breaks are not: a break is the venue's current normal).
 */
export interface HolidayFlags {
  today: Uint8Array;
  eve: Uint8Array;
  after: Uint8Array;
  school: Uint8Array;
}

export function gridHolidayFlags(
  grid: HourGrid,
  isHoliday: (dateKey: string) => boolean,
  isSchoolHoliday: (dateKey: string) => boolean = () => false,
): HolidayFlags {
  const cache = new Map<string, boolean>();
  const hol = (k: string): boolean => {
    let v = cache.get(k);
    if (v === undefined) cache.set(k, (v = isHoliday(k)));
    return v;
  };
  const today = new Uint8Array(grid.length);
  const eve = new Uint8Array(grid.length);
  const after = new Uint8Array(grid.length);
  const school = new Uint8Array(grid.length);
  let lastKey = '';
  let flags: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < grid.length; i++) {
    const k = grid.dateKey[i]!;
    if (k !== lastKey) {
      flags = [
        hol(k) ? 1 : 0,
        hol(addDaysToKey(k, 1)) ? 1 : 0,
        hol(addDaysToKey(k, -1)) ? 1 : 0,
        isSchoolHoliday(k) ? 1 : 0,
      ];
      lastKey = k;
    }
    today[i] = flags[0];
    eve[i] = flags[1];
    after[i] = flags[2];
    school[i] = flags[3];
  }
  return { today, eve, after, school };
}

export interface VenueFeatureInputs {
  grid: HourGrid;
  /** Hourly occupancy known to the forecaster (NaN = none), aligned with `grid`. */
  history: Float64Array;
  /** 168 hour-of-week means (raw units). */
  profile: readonly number[];
  /** Venue scale (usual peak), > 0. */
  scale: number;
  holidays: HolidayFlags;
  temperature?: Float64Array | undefined;
  precipitation?: Float64Array | undefined;
  bookings?: Float64Array | undefined;
  /** Whether the model was trained with weather / bookings (else those inputs are zeroed). */
  useWeather: boolean;
  useBookings: boolean;
  /** Weather seen in training; a temperature outside it counts as no weather, rain is capped. */
  weatherRange?: { temperatureC: [number, number]; precipitationMm: [number, number] } | undefined;
}

const TWO_PI = 2 * Math.PI;
const RATIO_PRIOR_DAY = 0.5;
const LEVEL_PRIOR = 1;
const MAX_LAST_AGE_HOURS = 48;

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Precomputes per-venue running sums so that each feature vector is O(1). */
export class VenueFeatures {
  readonly inputs: VenueFeatureInputs;
  readonly grid: HourGrid;
  /** history / scale (NaN = none). */
  readonly level: Float64Array;
  /** profile / scale at each grid hour. */
  readonly profileLevel: Float64Array;
  /** Prefix sums over present hours j < i: normalised level, profile, count. */
  private readonly cumLevel: Float64Array;
  private readonly cumProfile: Float64Array;
  private readonly cumCount: Int32Array;
  /** The same over present hours on non-holiday days (for the level estimates). */
  private readonly cumLevelWork: Float64Array;
  private readonly cumProfileWork: Float64Array;
  /** Last index j < i with data, or -1. */
  private readonly lastIndex: Int32Array;

  constructor(inputs: VenueFeatureInputs) {
    this.inputs = inputs;
    const grid = (this.grid = inputs.grid);
    const n = grid.length;
    const s = inputs.scale > 0 ? inputs.scale : 1;
    this.level = new Float64Array(n);
    this.profileLevel = new Float64Array(n);
    this.cumLevel = new Float64Array(n + 1);
    this.cumProfile = new Float64Array(n + 1);
    this.cumCount = new Int32Array(n + 1);
    this.cumLevelWork = new Float64Array(n + 1);
    this.cumProfileWork = new Float64Array(n + 1);
    this.lastIndex = new Int32Array(n + 1);
    let last = -1;
    for (let i = 0; i < n; i++) {
      const p = (inputs.profile[grid.hourOfWeek[i]!] ?? 0) / s;
      this.profileLevel[i] = p;
      const raw = i < inputs.history.length ? inputs.history[i]! : Number.NaN;
      const y = Number.isFinite(raw) ? raw / s : Number.NaN;
      this.level[i] = y;
      this.lastIndex[i] = last;
      const present = !Number.isNaN(y);
      this.cumLevel[i + 1] = this.cumLevel[i]! + (present ? y : 0);
      this.cumProfile[i + 1] = this.cumProfile[i]! + (present ? p : 0);
      this.cumCount[i + 1] = this.cumCount[i]! + (present ? 1 : 0);
      const usual = present && inputs.holidays.today[i] === 0;
      this.cumLevelWork[i + 1] = this.cumLevelWork[i]! + (usual ? y : 0);
      this.cumProfileWork[i + 1] = this.cumProfileWork[i]! + (usual ? p : 0);
      if (present) last = i;
    }
    this.lastIndex[n] = last;
  }

  /** Normalised occupancy of hour j if known at origin o, else NaN. */
  private known(j: number, o: number): number {
    return j >= 0 && j < o && j < this.level.length ? this.level[j]! : Number.NaN;
  }

  /**
   * Like `known`, but a holiday is not used as a reference for a non-holiday target (last week's
   * Easter Monday says little about this Monday).
   */
  private comparable(j: number, o: number, targetIsHoliday: boolean): number {
    if (!targetIsHoliday && j >= 0 && j < this.grid.length && this.inputs.holidays.today[j] === 1)
      return Number.NaN;
    return this.known(j, o);
  }

  /**
   * Current level of the venue at origin `o`: observed / profile over the last 168 h (hours with
   * data, holidays excluded), shrunk towards 1 by one peak-hour of prior weight, clipped to
   * [0.3, 3]. 1 without history. The model works in level-adjusted units: values are divided by
   * scale × level.
   */
  levelAt(o: number): number {
    const g = this.grid;
    const oc = clip(o, 0, g.length);
    const a = clip(o - 168, 0, g.length);
    return clip(
      (this.cumLevelWork[oc]! - this.cumLevelWork[a]! + LEVEL_PRIOR) /
        (this.cumProfileWork[oc]! - this.cumProfileWork[a]! + LEVEL_PRIOR),
      0.3,
      3,
    );
  }

  /**
   * Writes FEATURE_COUNT values for origin index `o` and horizon `h` into `out` at `offset` and
   * returns the level (see `levelAt`) the values are expressed in. `targetProfile` (normalised)
   * replaces the profile value of the target hour (used in training for a leave-one-out profile).
   */
  write(o: number, h: number, out: Float32Array, offset: number, targetProfile?: number): number {
    const g = this.grid;
    const t = o + h - 1;
    if (t < 0 || t >= g.length)
      throw new RangeError(`target hour ${t} outside the grid (0..${g.length - 1})`);
    const inp = this.inputs;
    const pT = targetProfile ?? this.profileLevel[t]!;
    const hour = g.localHour[t]!;
    const dow = g.weekday[t]!;
    const yf = g.yearFraction[t]!;
    const level = this.levelAt(o);
    const inv = 1 / level;
    const targetIsHoliday = inp.holidays.today[t] === 1;
    let k = offset;
    out[k++] = Math.sin((TWO_PI * hour) / 24);
    out[k++] = Math.cos((TWO_PI * hour) / 24);
    out[k++] = Math.sin((TWO_PI * dow) / 7);
    out[k++] = Math.cos((TWO_PI * dow) / 7);
    out[k++] = dow >= 5 ? 1 : 0;
    out[k++] = Math.sin(TWO_PI * yf);
    out[k++] = Math.cos(TWO_PI * yf);
    out[k++] = inp.holidays.today[t]!;
    out[k++] = inp.holidays.eve[t]!;
    out[k++] = inp.holidays.after[t]!;
    out[k++] = inp.holidays.school[t]!;
    out[k++] = pT;
    out[k++] = Math.min(h, 24) / 24; // trained on 1..24; longer horizons reuse 24

    // Most recent observed hour strictly before the origin.
    const oc = clip(o, 0, g.length);
    const last = this.lastIndex[oc]!;
    if (last >= 0 && o - last <= MAX_LAST_AGE_HOURS) {
      out[k++] = this.level[last]! * inv;
      out[k++] = this.level[last]! * inv - this.profileLevel[last]!;
      out[k++] = (o - last) / 24;
      out[k++] = 1;
    } else {
      out[k++] = 0;
      out[k++] = 0;
      out[k++] = MAX_LAST_AGE_HOURS / 24;
      out[k++] = 0;
    }
    // Mean level-adjusted residual over the last 3 hours.
    const a3 = clip(o - 3, 0, g.length);
    const n3 = this.cumCount[oc]! - this.cumCount[a3]!;
    out[k++] =
      n3 > 0
        ? ((this.cumLevel[oc]! - this.cumLevel[a3]!) * inv - (this.cumProfile[oc]! - this.cumProfile[a3]!)) /
          n3
        : 0;
    // The last day's level relative to the weekly level. (The weekly level itself is not an input:
    // it is used to normalise instead. As an input it made the network extrapolate when the level
    // moved outside the training range — measured worse, see README.)
    const a24 = clip(o - 24, 0, g.length);
    const r24 =
      clip(
        (this.cumLevelWork[oc]! - this.cumLevelWork[a24]! + RATIO_PRIOR_DAY * level) /
          (this.cumProfileWork[oc]! - this.cumProfileWork[a24]! + RATIO_PRIOR_DAY),
        0.1,
        4,
      ) *
        inv -
      1;
    out[k++] = r24;
    out[k++] = r24 * pT;
    // Same local hour yesterday / last week / two weeks ago (DST-aware), if known at the origin.
    for (const days of [1, 7, 14]) {
      const j = g.shiftDays(t, days);
      const y = this.comparable(j, o, targetIsHoliday);
      if (Number.isNaN(y)) {
        out[k++] = 0;
        out[k++] = 0;
      } else {
        out[k++] = y * inv - (days === 1 ? this.profileLevel[j]! : pT);
        out[k++] = 1;
      }
    }
    // Mean over the same hour of the last four weeks (recent weekly shape).
    let sum4 = 0;
    let n4 = 0;
    for (let w = 1; w <= 4; w++) {
      const y = this.comparable(g.shiftDays(t, 7 * w), o, targetIsHoliday);
      if (!Number.isNaN(y)) {
        sum4 += y * inv - pT;
        n4++;
      }
    }
    out[k++] = n4 > 0 ? sum4 / n4 : 0;
    out[k++] = n4 / 4;
    // Mean level-adjusted residual at the same local hour over the last 7 days (hour-of-day level).
    let sum7 = 0;
    let n7 = 0;
    for (let d = 1; d <= 7; d++) {
      const j = g.shiftDays(t, d);
      const y = this.comparable(j, o, targetIsHoliday);
      if (!Number.isNaN(y)) {
        sum7 += y * inv - this.profileLevel[j]!;
        n7++;
      }
    }
    out[k++] = n7 > 0 ? sum7 / n7 : 0;
    out[k++] = n7 / 7;
    // Confirmed bookings for the target hour.
    const b = inp.useBookings && inp.bookings ? inp.bookings[t]! : Number.NaN;
    out[k++] = Number.isFinite(b) ? (b / inp.scale) * inv : 0;
    // Weather at the target hour.
    let temp = inp.useWeather && inp.temperature ? inp.temperature[t]! : Number.NaN;
    let prec = inp.useWeather && inp.precipitation ? inp.precipitation[t]! : Number.NaN;
    const range = inp.weatherRange;
    if (range && Number.isFinite(temp)) {
      const [lo, hi] = range.temperatureC;
      if (temp < lo || temp > hi) {
        temp = Number.NaN;
        prec = Number.NaN;
      }
    }
    if (range && Number.isFinite(prec)) prec = clip(prec, range.precipitationMm[0], range.precipitationMm[1]);
    const haveWeather = Number.isFinite(temp) || Number.isFinite(prec);
    out[k++] = Number.isFinite(temp) ? (temp - 10) / 10 : 0;
    out[k++] = Number.isFinite(prec) ? Math.log1p(Math.max(0, prec)) : 0;
    out[k++] = haveWeather ? 1 : 0;
    return level;
  }

  /** Convenience: one feature vector as a plain object (for inspection and tests). */
  vector(o: number, h: number): Record<FeatureName, number> {
    const buf = new Float32Array(FEATURE_COUNT);
    this.write(o, h, buf, 0);
    return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, buf[i]!])) as Record<FeatureName, number>;
  }
}
