import { localParts } from '../local-time.ts';

/** Headcount samples aggregated per UTC hour (what the database returns). */
export interface HourBucket {
  hourStart: Date;
  total: number;
  samples: number;
}

export interface PopularTimes {
  /** [weekday 1..7 → index 0..6][local hour 0..23]: mean headcount of the samples in that cell. */
  means: number[][];
  /** Same grid scaled so the busiest cell is 100 (rounded). */
  scaled: number[][];
  /** Mean headcount of the busiest cell. */
  peak: number;
}

/** How much history popular times look at, ending at the venue's latest sample. */
export const POPULAR_TIMES_WEEKS = 12;

const grid = () => Array.from({ length: 7 }, () => new Array<number>(24).fill(0));

/**
 * Mean presence per (weekday, hour) in the venue's zone, scaled to the busiest cell = 100. Cells
 * without samples (usually closed hours) read 0. Null when there is no history or nobody came.
 */
export function popularTimesFrom(buckets: HourBucket[], timeZone: string): PopularTimes | null {
  const sums = grid();
  const counts = grid();
  for (const b of buckets) {
    if (b.samples <= 0) continue;
    const { weekday, hour } = localParts(b.hourStart, timeZone);
    sums[weekday - 1]![hour]! += b.total;
    counts[weekday - 1]![hour]! += b.samples;
  }
  const means = sums.map((row, d) => row.map((sum, h) => (counts[d]![h]! > 0 ? sum / counts[d]![h]! : 0)));
  const peak = Math.max(...means.flat());
  if (!(peak > 0)) return null;
  const scaled = means.map((row) => row.map((mean) => Math.round((mean / peak) * 100)));
  return { means, scaled, peak };
}

/** The usual headcount for the weekday-hour of `at` in the venue's zone. */
export function usualAt(popular: PopularTimes | null, at: Date, timeZone: string): number | null {
  if (!popular) return null;
  const { weekday, hour } = localParts(at, timeZone);
  return popular.means[weekday - 1]![hour]!;
}
