/**
 * Baseline forecasts the model is measured against:
 * (a) hour-of-week mean over the training data, per venue;
 * (b) same local hour last week (DST-aware), falling back to (a) when that hour has no data or is
 *     not yet known at the forecast origin.
 */
import type { HourGrid } from './grid.ts';

/**
 * (a) The venue's training mean for the target's local hour-of-week. `profile`: the 168
 * hour-of-week means (VenueProfile.mean, or an artifact's VenueModelInfo.profile).
 */
export function hourOfWeekForecast(profile: readonly number[], grid: HourGrid, target: number): number {
  return profile[grid.hourOfWeek[target]!]!;
}

/**
 * (b) The observed value of the same local hour one week before `target`, if known at the origin
 * (hour index < `origin`) and present in `history`; otherwise (a).
 */
export function lastWeekForecast(
  history: Float64Array,
  profile: readonly number[],
  grid: HourGrid,
  target: number,
  origin: number,
): number {
  const j = grid.shiftDays(target, 7);
  if (j >= 0 && j < origin && j < history.length) {
    const v = history[j]!;
    if (!Number.isNaN(v)) return v;
  }
  return hourOfWeekForecast(profile, grid, target);
}
