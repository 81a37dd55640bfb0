/** Glue: per-venue feature inputs (history, profile, holidays, weather) on a grid. */
import { VenueFeatures, gridHolidayFlags } from './features.ts';
import { addDaysToKey } from './calendar.ts';
import type { HolidayFlags } from './features.ts';
import type { HourGrid } from './grid.ts';
import { holidayCalendar } from './holidays.ts';
import type { HolidayRegion } from './holidays.ts';
import type { VenueHours } from './series.ts';
import type { ModelInputs } from './forecaster.ts';

/** Consecutive flagged days from which a data's "holiday" flag is read as a school break. */
export const SCHOOL_BREAK_MIN_DAYS = 5;

/**
 * Splits a data set's holiday flags into public holidays and school breaks. Some sources mark
 * whole school breaks as "holiday"; left as public holidays, a two-week break would be dropped
 * from the recent-level estimate. A day is public when the region's calendar names it, or when it
 * is part of a flagged run shorter than SCHOOL_BREAK_MIN_DAYS days; the other days of longer runs
 * are school holidays.
 */
export function splitHolidayFlags(
  flags: ReadonlyMap<string, boolean>,
  isPublic: (dateKey: string) => boolean,
): { publicDays: Set<string>; schoolDays: Set<string> } {
  const flagged = [...flags]
    .filter(([, v]) => v)
    .map(([k]) => k)
    .sort();
  const publicDays = new Set<string>();
  const schoolDays = new Set<string>();
  let run: string[] = [];
  const flush = (): void => {
    for (const key of run)
      if (run.length < SCHOOL_BREAK_MIN_DAYS || isPublic(key)) publicDays.add(key);
      else schoolDays.add(key);
    run = [];
  };
  for (const key of flagged) {
    if (run.length > 0 && addDaysToKey(run[run.length - 1]!, 1) !== key) flush();
    run.push(key);
  }
  flush();
  return { publicDays, schoolDays };
}

/** Flags without overrides, per grid and region (grids shared by predict() calls reuse them). */
const calendarFlags = new WeakMap<HourGrid, Map<HolidayRegion, HolidayFlags>>();

/** Holiday flags of `grid`'s hours; without `overrides` the result is memoised and shared — read only. */
export function holidayFlagsFor(
  grid: HourGrid,
  region: HolidayRegion,
  overrides?: ReadonlyMap<string, boolean>,
  schoolOverrides?: ReadonlyMap<string, boolean>,
): HolidayFlags {
  const cal = holidayCalendar(region);
  if (overrides || schoolOverrides) {
    const { publicDays, schoolDays } = splitHolidayFlags(overrides ?? new Map(), (key) => cal.isHoliday(key));
    for (const [key, v] of schoolOverrides ?? []) if (v) schoolDays.add(key);
    return gridHolidayFlags(
      grid,
      (key) => (overrides?.has(key) ? publicDays.has(key) : cal.isHoliday(key)),
      (key) => schoolDays.has(key),
    );
  }
  let byRegion = calendarFlags.get(grid);
  if (!byRegion) calendarFlags.set(grid, (byRegion = new Map()));
  let flags = byRegion.get(region);
  if (!flags) byRegion.set(region, (flags = gridHolidayFlags(grid, (key) => cal.isHoliday(key))));
  return flags;
}

export interface VenueModelView {
  profile: readonly number[];
  scale: number;
  region: HolidayRegion;
}

/** What buildVenueFeatures needs of a venue's hourly arrays (all aligned with the grid, NaN = none). */
export type VenueFeatureHours = Pick<VenueHours, 'history' | 'temperature' | 'precipitation' | 'bookings'> & {
  /** Local date → holiday flag overriding the calendar. */
  holidayOverride?: ReadonlyMap<string, boolean> | undefined;
  /** Local date → school-holiday flag. */
  schoolOverride?: ReadonlyMap<string, boolean> | undefined;
};

export function buildVenueFeatures(
  grid: HourGrid,
  hours: VenueFeatureHours,
  view: VenueModelView,
  uses: ModelInputs,
): VenueFeatures {
  return new VenueFeatures({
    grid,
    history: hours.history,
    profile: view.profile,
    scale: view.scale,
    holidays: holidayFlagsFor(grid, view.region, hours.holidayOverride, hours.schoolOverride),
    temperature: hours.temperature,
    precipitation: hours.precipitation,
    bookings: hours.bookings,
    useWeather: uses.weather,
    ...(uses.weatherRange ? { weatherRange: uses.weatherRange } : {}),
    useBookings: uses.bookings,
  });
}
