/**
 * Hour-of-week profiles: per venue, the mean hourly occupancy for each of the 168 local
 * hours-of-week over the training data, and the venue's scale (its usual peak = the highest
 * hour-of-week mean). The scale normalises venues of different size so one model serves all.
 */
import { HOURS_PER_WEEK } from './calendar.ts';
import type { HourGrid } from './grid.ts';

export interface VenueProfile {
  /** Mean occupancy per hour-of-week (168); cells without training data are filled (see below). */
  mean: number[];
  /** Number of training hours behind each cell (0 = filled). */
  count: number[];
  /** Usual peak: the highest hour-of-week mean (≥ 1). */
  scale: number;
}

/** Fill radius (hours, same day) for empty cells; beyond it an empty cell is 0 (closed). */
const FILL_RADIUS = 3;

/** Profile from hourly values on `grid` over indices [from, to). */
export function computeProfile(
  values: Float64Array,
  grid: HourGrid,
  from = 0,
  to = grid.length,
): VenueProfile {
  const sum = new Array<number>(HOURS_PER_WEEK).fill(0);
  const count = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (let i = Math.max(0, from); i < Math.min(to, grid.length); i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const c = grid.hourOfWeek[i]!;
    sum[c]! += v;
    count[c]!++;
  }
  return profileFromSums(sum, count);
}

export function profileFromSums(sum: number[], count: number[]): VenueProfile {
  const mean = sum.map((s, c) => (count[c]! > 0 ? s / count[c]! : Number.NaN));
  const filled = mean.map((m, c) => {
    if (!Number.isNaN(m)) return m;
    const day = Math.floor(c / 24);
    const hour = c % 24;
    for (let d = 1; d <= FILL_RADIUS; d++) {
      const near: number[] = [];
      for (const h of [hour - d, hour + d]) {
        if (h < 0 || h > 23) continue;
        const v = mean[day * 24 + h]!;
        if (!Number.isNaN(v)) near.push(v);
      }
      if (near.length > 0) return near.reduce((a, b) => a + b, 0) / near.length;
    }
    return 0;
  });
  const peak = Math.max(1, ...filled);
  return { mean: filled, count: count.slice(), scale: peak };
}

/** Profile with every cell divided by its scale (peak = 1). */
export function normalisedProfile(p: VenueProfile): number[] {
  return p.mean.map((m) => m / p.scale);
}

/** Mean of the venues' normalised profiles: a generic weekly shape for unknown venues. */
export function genericProfile(profiles: Iterable<VenueProfile>): number[] {
  const acc = new Array<number>(HOURS_PER_WEEK).fill(0);
  let n = 0;
  for (const p of profiles) {
    const norm = normalisedProfile(p);
    for (let c = 0; c < HOURS_PER_WEEK; c++) acc[c]! += norm[c]!;
    n++;
  }
  if (n === 0) return new Array<number>(HOURS_PER_WEEK).fill(0.5);
  return acc.map((a) => a / n);
}
