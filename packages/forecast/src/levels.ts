/**
 * Relative busyness level: expected headcount divided by the venue's usual peak (its highest
 * hour-of-week mean in the training data, see profile.ts).
 *
 *   ratio <  0.35          NOT_BUSY
 *   0.35 ≤ ratio < 0.60    A_LITTLE_BUSY
 *   0.60 ≤ ratio < 0.85    BUSY
 *   ratio ≥ 0.85           VERY_BUSY   (about as busy as the venue's usual busiest hour, or more)
 */
import type { BusyLevel } from './types.ts';

export interface LevelThresholds {
  aLittleBusy: number;
  busy: number;
  veryBusy: number;
}

export const DEFAULT_LEVEL_THRESHOLDS: LevelThresholds = { aLittleBusy: 0.35, busy: 0.6, veryBusy: 0.85 };

export function busyLevel(
  expected: number,
  usualPeak: number,
  thresholds: LevelThresholds = DEFAULT_LEVEL_THRESHOLDS,
): BusyLevel {
  const ratio = usualPeak > 0 ? expected / usualPeak : 0;
  if (ratio >= thresholds.veryBusy) return 'VERY_BUSY';
  if (ratio >= thresholds.busy) return 'BUSY';
  if (ratio >= thresholds.aLittleBusy) return 'A_LITTLE_BUSY';
  return 'NOT_BUSY';
}
