/**
 * Shared input types. The trainer, backtest and predict API all work on in-memory rows, so any
 * source (CSV today, the MariaDB headcount history later) only has to produce `OccupancyRow`s.
 */

/** One headcount observation of one venue. */
export interface OccupancyRow {
  /** Observation instant (absolute time). */
  at: Date;
  /** Venue id / name. */
  venue: string;
  /** People present; `null` = closed or unknown (no number shown). */
  occupancy: number | null;
  /** Venue capacity (people), when known. */
  capacity?: number | null;
  /** Air temperature at the venue, °C. */
  temperatureC?: number | null;
  /** Precipitation in the hour, mm. */
  precipitationMm?: number | null;
  /** Public-holiday override for the local day of `at` (true/false); absent = use the calendar. */
  holiday?: boolean | null;
  /**
   * School holidays (breaks) on the local day of `at`. Unlike public holidays, a break is the
   * venue's current normal: it is not left out when the recent level is estimated.
   */
  schoolHoliday?: boolean | null;
  /** Confirmed bookings for the hour containing `at`. */
  bookings?: number | null;
}

/** Hourly weather at a location. `at` is the start of the hour (UTC instant). */
export interface WeatherHour {
  at: Date;
  temperatureC: number | null;
  precipitationMm: number | null;
}

/** Relative busyness, relative to the venue's usual peak (see levels.ts). */
export type BusyLevel = 'NOT_BUSY' | 'A_LITTLE_BUSY' | 'BUSY' | 'VERY_BUSY';

/** One forecast hour. `at` is the start of the local hour being forecast. */
export interface HourForecast {
  at: Date;
  /** Expected mean headcount in the hour. */
  expected: number;
  /** Lower bound of the ~80% interval (p10). */
  low: number;
  /** Upper bound of the ~80% interval (p90). */
  high: number;
  level: BusyLevel;
  /** The venue is closed for the whole hour (from its opening hours); expected, low and high are 0. */
  closed: boolean;
}
