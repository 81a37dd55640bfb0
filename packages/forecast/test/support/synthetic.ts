/** Deterministic synthetic occupancy rows for tests (no test cases in this file). */
import type { OccupancyRow } from '../../src/types.ts';
import { localParts, zonedTimeToUtc } from '../../src/calendar.ts';
import { seededRandom } from '../../src/model.ts';

export const TZ = 'Europe/Zurich';

/** Weekly shape in [0, 1]: closed 22–06 local, evening peak, busier on weekdays. */
export function shape(at: Date): number | null {
  const p = localParts(at, TZ);
  if (p.hour < 6 || p.hour >= 22) return null;
  const evening = Math.exp(-((p.hour + p.minute / 60 - 18.5) ** 2) / 6);
  const noon = 0.5 * Math.exp(-((p.hour + p.minute / 60 - 12.5) ** 2) / 3);
  const day = p.weekday >= 5 ? 0.7 : 1;
  return Math.max(0.05, day * (0.15 + 0.85 * Math.max(evening, noon)));
}

export interface SyntheticOptions {
  venues?: Record<string, number>;
  /** Local start date (YYYY, MM, DD) and number of days. */
  start?: [number, number, number];
  days?: number;
  /** Sampling interval in minutes. */
  everyMinutes?: number;
  seed?: number;
  /** Multiplicative level per week index (default 1 + 0.05·week). */
  weekLevel?: (week: number) => number;
}

export function syntheticRows(options: SyntheticOptions = {}): OccupancyRow[] {
  const venues = options.venues ?? { 'Fitnesspark Zürich Test': 200, 'Fitnesspark Bern Test': 80 };
  const [y, m, d] = options.start ?? [2025, 3, 3];
  const days = options.days ?? 35;
  const step = (options.everyMinutes ?? 20) * 60_000;
  const rand = seededRandom(options.seed ?? 1);
  const level = options.weekLevel ?? ((w: number) => 1 + 0.05 * w);
  const start = zonedTimeToUtc(TZ, y, m, d).getTime();
  const rows: OccupancyRow[] = [];
  for (let t = start; t < start + days * 86_400_000; t += step) {
    const at = new Date(t);
    const s = shape(at);
    const week = Math.floor((t - start) / (7 * 86_400_000));
    for (const [venue, scale] of Object.entries(venues)) {
      const occupancy =
        s === null ? null : Math.max(1, Math.round(scale * s * level(week) * (0.9 + 0.2 * rand())));
      rows.push({ at, venue, occupancy });
    }
  }
  return rows;
}
