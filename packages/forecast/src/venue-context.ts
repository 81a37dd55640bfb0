/** Glue: per-venue feature inputs (history, profile, holidays, weather) on a grid. */
import { VenueFeatures, gridHolidayFlags } from './features.ts';
import type { HolidayFlags } from './features.ts';
import type { HourGrid } from './grid.ts';
import { holidayCalendar } from './holidays.ts';
import type { HolidayRegion } from './holidays.ts';
import type { VenueHours } from './series.ts';

export function holidayFlagsFor(
  grid: HourGrid,
  region: HolidayRegion,
  overrides?: ReadonlyMap<string, boolean>,
): HolidayFlags {
  const cal = holidayCalendar(region);
  return gridHolidayFlags(grid, (key) => overrides?.get(key) ?? cal.isHoliday(key));
}

export interface VenueModelView {
  profile: readonly number[];
  scale: number;
  region: HolidayRegion;
}

export function buildVenueFeatures(
  grid: HourGrid,
  hours: VenueHours,
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
