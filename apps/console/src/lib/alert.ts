// Capacity alert levels of the console: green below 80 %, amber from 80 %, red from 90 %.
export const WARNING_PERCENT = 80;
export const CRITICAL_PERCENT = 90;

export type AlertLevel = 'normal' | 'warning' | 'critical' | 'unknown';

export const ALERT_COLOURS: Record<AlertLevel, string> = {
  normal: '#2f9e62',
  warning: '#e6a23c',
  critical: '#e5484d',
  unknown: '#909399',
};

/** Headcount as a whole percentage of capacity (may exceed 100); null without a capacity. */
export function percentOf(current: number, capacity: number | null | undefined): number | null {
  if (!capacity || capacity <= 0) return null;
  return Math.round((current / capacity) * 100);
}

export function alertLevel(percent: number | null | undefined): AlertLevel {
  if (percent === null || percent === undefined || Number.isNaN(percent)) return 'unknown';
  if (percent >= CRITICAL_PERCENT) return 'critical';
  if (percent >= WARNING_PERCENT) return 'warning';
  return 'normal';
}

const LEVEL_RANK: Record<string, number> = { VERY_BUSY: 4, BUSY: 3, A_LITTLE_BUSY: 2, NOT_BUSY: 1 };

export interface BusyVenue {
  currentCount: number;
  capacity?: number | null;
  occupancyLevel?: string | null;
  name: string;
}

/**
 * Busiest first: by share of capacity where known, then by the graph's busyness level, then by
 * headcount; name breaks ties so the order is stable while counts are equal.
 */
export function compareBusyness(a: BusyVenue, b: BusyVenue): number {
  const pa = percentOf(a.currentCount, a.capacity) ?? -1;
  const pb = percentOf(b.currentCount, b.capacity) ?? -1;
  if (pa !== pb) return pb - pa;
  const la = LEVEL_RANK[a.occupancyLevel ?? ''] ?? 0;
  const lb = LEVEL_RANK[b.occupancyLevel ?? ''] ?? 0;
  if (la !== lb) return lb - la;
  if (a.currentCount !== b.currentCount) return b.currentCount - a.currentCount;
  return a.name.localeCompare(b.name);
}
