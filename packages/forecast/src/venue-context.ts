/** Glue: per-venue feature inputs (history, profile, holidays, weather) on a grid. */
import { VenueFeatures, gridHolidayFlags } from './features.ts';
import type { HolidayFlags } from './features.ts';
import type { HourGrid } from './grid.ts';
import { holidayCalendar } from './holidays.ts';
import type { HolidayRegion } from './holidays.ts';
import type { VenueHours } from './series.ts';

/** Flags without overrides, per grid and region (grids shared by predict() calls reuse them). */
const calendarFlags = new WeakMap<HourGrid, Map<HolidayRegion, HolidayFlags>>();

/** Holiday flags of `grid`'s hours; without `overrides` the result is memoised and shared — read only. */
export function holidayFlagsFor(
  grid: HourGrid,
  region: HolidayRegion,
  overrides?: ReadonlyMap<string, boolean>,
): HolidayFlags {
  const cal = holidayCalendar(region);
  if (overrides) return gridHolidayFlags(grid, (key) => overrides.get(key) ?? cal.isHoliday(key));
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
};

export function buildVenueFeatures(
  grid: HourGrid,
  hours: VenueFeatureHours,
  view: VenueModelView,
  uses: { weather: boolean; bookings: boolean },
): VenueFeatures {
  return new VenueFeatures({
    grid,
    history: hours.history,
    profile: view.profile,
    scale: view.scale,
    holidays: holidayFlagsFor(grid, view.region, hours.holidayOverride),
    temperature: hours.temperature,
    precipitation: hours.precipitation,
    bookings: hours.bookings,
    useWeather: uses.weather,
    useBookings: uses.bookings,
  });
}
