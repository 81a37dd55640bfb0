/**
 * Data cleaning: stuck-counter masking and hourly binning.
 *
 * Stuck counters: per venue, in time order, a run of `minRun` (default 36, ≈12 h at 20-min
 * scrapes) or more identical consecutive non-blank values is treated as a frozen counter and
 * masked (set to null). Blank samples (closed/unknown) neither extend nor break a run — the run is
 * over the sequence of non-blank values — so a counter frozen across closed nights is one run.
 *
 * Two modes:
 * - 'complete' (default): every value of a qualifying run is masked. Used for ground truth and
 *   training targets, where the whole series is known.
 * - 'online': causal variant for features — a value is masked only if it is at least the
 *   `minRun`-th value of its run, i.e. once the freeze is recognisable from the past alone. The
 *   masking of a value never depends on later samples.
 */
import type { OccupancyRow } from './types.ts';
import { localHourStart } from './calendar.ts';

export const STUCK_RUN_LENGTH = 36;

export interface MaskOptions {
  minRun?: number;
  mode?: 'complete' | 'online';
}

export interface MaskResult {
  rows: OccupancyRow[];
  /** Number of values masked. */
  masked: number;
}

/** Row indices grouped by venue, each group sorted by time (stable for equal times). */
export function indicesByVenue(rows: readonly OccupancyRow[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]!.venue;
    let g = groups.get(v);
    if (!g) groups.set(v, (g = []));
    g.push(i);
  }
  for (const g of groups.values()) {
    let sorted = true;
    for (let k = 1; k < g.length && sorted; k++)
      if (rows[g[k]!]!.at.getTime() < rows[g[k - 1]!]!.at.getTime()) sorted = false;
    if (!sorted) g.sort((a, b) => rows[a]!.at.getTime() - rows[b]!.at.getTime() || a - b);
  }
  return groups;
}

/** Returns a copy of `rows` (same order) with stuck-counter runs masked (occupancy = null). */
export function maskStuckRuns(rows: readonly OccupancyRow[], options: MaskOptions = {}): MaskResult {
  const minRun = options.minRun ?? STUCK_RUN_LENGTH;
  const online = options.mode === 'online';
  const maskedIdx = new Set<number>();
  for (const idx of indicesByVenue(rows).values()) {
    let runValue: number | null = null;
    let run: number[] = [];
    const flush = (): void => {
      if (!online && run.length >= minRun) for (const i of run) maskedIdx.add(i);
    };
    for (const i of idx) {
      const v = rows[i]!.occupancy;
      if (v === null || v === undefined || Number.isNaN(v)) continue;
      if (v === runValue) {
        run.push(i);
      } else {
        flush();
        runValue = v;
        run = [i];
      }
      if (online && run.length >= minRun) maskedIdx.add(i);
    }
    flush();
  }
  if (maskedIdx.size === 0) return { rows: rows.slice(), masked: 0 };
  return {
    rows: rows.map((r, i) => (maskedIdx.has(i) ? { ...r, occupancy: null } : r)),
    masked: maskedIdx.size,
  };
}

export interface HourlyBin {
  venue: string;
  /** Start of the local hour (in the binning time zone). */
  start: Date;
  /** Mean occupancy of the non-blank samples in the hour. */
  occupancy: number;
  /** Number of non-blank samples in the hour. */
  samples: number;
}

/**
 * Ground truth per (venue, local hour): the mean of the non-blank samples in that hour. Only hours
 * with data are returned, sorted by venue then time. On a fall-back DST day the two local 02:00
 * hours are distinct bins (distinct instants).
 */
export function binHourly(rows: readonly OccupancyRow[], timeZone: string): HourlyBin[] {
  const acc = new Map<string, Map<number, { sum: number; n: number }>>();
  for (const r of rows) {
    const v = r.occupancy;
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    let m = acc.get(r.venue);
    if (!m) acc.set(r.venue, (m = new Map()));
    const start = localHourStart(r.at, timeZone);
    const cell = m.get(start);
    if (cell) {
      cell.sum += v;
      cell.n++;
    } else m.set(start, { sum: v, n: 1 });
  }
  const out: HourlyBin[] = [];
  for (const venue of [...acc.keys()].sort()) {
    const m = acc.get(venue)!;
    for (const start of [...m.keys()].sort((a, b) => a - b)) {
      const c = m.get(start)!;
      out.push({ venue, start: new Date(start), occupancy: c.sum / c.n, samples: c.n });
    }
  }
  return out;
}
