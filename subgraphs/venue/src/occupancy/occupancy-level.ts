// Check-ins are a biased sample of who is really there, so the public reading is relative: a level
// against capacity (when the operator declared one) or against the venue's own busiest usual hour.

export type OccupancyLevel = 'NOT_BUSY' | 'A_LITTLE_BUSY' | 'BUSY' | 'VERY_BUSY';
export type UsualComparison = 'QUIETER_THAN_USUAL' | 'AS_USUAL' | 'BUSIER_THAN_USUAL';

/** Below this many people nothing "live" is shown beyond NOT_BUSY: never reveal who is present. */
export const K_ANONYMITY = 3;

const LEVELS: Array<[upTo: number, level: OccupancyLevel]> = [
  [0.3, 'NOT_BUSY'],
  [0.6, 'A_LITTLE_BUSY'],
  [0.85, 'BUSY'],
];

export interface LevelReference {
  capacity: number | null;
  /** Mean headcount of the busiest weekday-hour in the venue's history (popular times = 100). */
  usualPeak: number | null;
}

export function occupancyLevel(count: number, ref: LevelReference): OccupancyLevel | null {
  const base =
    ref.capacity && ref.capacity > 0
      ? ref.capacity
      : ref.usualPeak && ref.usualPeak > 0
        ? ref.usualPeak
        : null;
  if (base === null) return null;
  if (count < K_ANONYMITY) return 'NOT_BUSY';
  const ratio = count / base;
  for (const [upTo, level] of LEVELS) if (ratio < upTo) return level;
  return 'VERY_BUSY';
}

export function occupancyPercent(count: number, capacity: number | null): number | null {
  return capacity && capacity > 0 ? Math.round((count / capacity) * 100) : null;
}

/** Within ±20 % of the usual value for this weekday-hour reads "as usual". */
export function compareToUsual(count: number, usual: number | null): UsualComparison | null {
  if (usual === null || count < K_ANONYMITY) return null;
  if (count > usual * 1.2) return 'BUSIER_THAN_USUAL';
  if (count < usual * 0.8) return 'QUIETER_THAN_USUAL';
  return 'AS_USUAL';
}
