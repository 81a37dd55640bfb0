/**
 * Cold start: the weekly profile of a venue the model was not trained on.
 *
 * Prior: the peak-normalised hour-of-week shapes of the known venues, weighted by similarity
 * (same sport, similar size, nearby latitude / same time zone), in the venue's own local time
 * (hour-of-week is local everywhere), zero where the venue is closed.
 *
 * Magnitude: capacity is only turned into people through an occupancy ratio that was observed —
 * the venue's capacity times the similar venues' usual-peak/capacity ratio, when donors have a
 * capacity. Without such donors (the shipped data: gyms with no declared capacity) there is no
 * ratio to justify scaling by capacity, so the prior is the similar venues' usual peak itself,
 * never more than DEFAULT_PEAK_TO_CAPACITY of the venue's capacity: a 2,000-seat stadium does not
 * start at a thousand people because a gym of unknown size peaks at two hundred.
 *
 * Posterior: the venue's own hourly history (check-in counts / headcount samples) takes over as
 * it accrues. The scale is a least-squares fit of the prior shape to the history with the prior
 * scale worth PRIOR_SCALE_WEIGHT peak-hours of data times how similar the donors are (the best
 * donor's similarity: gyms say little about a football stadium, so its own check-ins take over
 * within hours); each hour-of-week cell is then the average of the scaled prior (worth
 * PRIOR_CELL_WEIGHT observations) and the venue's own observations of that cell. A venue where
 * nobody ever is converges to 0, whatever its capacity.
 */
import { HOURS_PER_WEEK } from './calendar.ts';
import type { HourGrid } from './grid.ts';

export interface VenueAttributes {
  /** Main sport / kind of venue, e.g. 'fitness', 'swimming', 'badminton'. */
  sport?: string;
  latitude?: number;
  longitude?: number;
  timeZone?: string;
}

export interface DonorVenue {
  /** 168 hour-of-week means, raw headcount. */
  profile: readonly number[];
  scale: number;
  capacity: number | null;
  attributes?: VenueAttributes | undefined;
}

/**
 * Most of its capacity a venue is assumed to fill at its usual peak when no donor's occupancy ratio
 * is known (a cap on the donors' peak; the guess itself when there are no donors at all).
 */
export const DEFAULT_PEAK_TO_CAPACITY = 0.5;
/** Weight of the prior scale from a perfectly similar donor, in peak-hours of observations (ΣP² units). */
export const PRIOR_SCALE_WEIGHT = 8;
/** Weight of the prior in each hour-of-week cell, in observations of that cell. */
export const PRIOR_CELL_WEIGHT = 1;
/** Shape floor for hours the venue is open but its donors were mostly closed. */
const OPEN_SHAPE_FLOOR = 0.08;

/** Similarity of a donor to the target venue, in (0, 1]. Unknown attributes are neutral. */
export function similarity(
  target: VenueAttributes & { capacity?: number | null },
  donor: DonorVenue,
): number {
  const d = donor.attributes ?? {};
  let w = 1;
  if (target.sport && d.sport) w *= target.sport.toLowerCase() === d.sport.toLowerCase() ? 1 : 0.2;
  if (target.capacity && target.capacity > 0 && donor.capacity && donor.capacity > 0)
    w *= Math.exp(-Math.abs(Math.log(target.capacity / donor.capacity)));
  if (target.latitude !== undefined && d.latitude !== undefined)
    w *= Math.exp(-Math.abs(Math.abs(target.latitude) - Math.abs(d.latitude)) / 15);
  else if (target.timeZone && d.timeZone && target.timeZone !== d.timeZone) w *= 0.7;
  return w;
}

function weightedMedian(values: Array<[number, number]>): number {
  const s = values.filter(([v, w]) => Number.isFinite(v) && w > 0).sort((a, b) => a[0] - b[0]);
  const total = s.reduce((a, [, w]) => a + w, 0);
  let acc = 0;
  for (const [v, w] of s) {
    acc += w;
    if (acc >= total / 2) return v;
  }
  return Number.NaN;
}

export interface Prior {
  /** Peak-normalised shape (168), 0 where closed. */
  shape: number[];
  /** Expected usual peak (people). */
  scale: number;
  /** Weight of `scale` against the venue's own data, in peak-hours (PRIOR_SCALE_WEIGHT × best similarity). */
  weight: number;
  /** Where `scale` came from: capacity × observed occupancy ratio, the donors' usual peak, or nothing. */
  scaleFrom: 'occupancyRatio' | 'donorPeak' | 'default';
}

/** The similarity-weighted prior of a venue (see the module comment). `open`: 168 flags or null. */
export function priorFor(
  donors: Iterable<DonorVenue>,
  target: VenueAttributes & { capacity?: number | null },
  open: Uint8Array | null,
): Prior {
  const acc = new Array<number>(HOURS_PER_WEEK).fill(0);
  let total = 0;
  let best = 0;
  const ratios: Array<[number, number]> = [];
  const scales: Array<[number, number]> = [];
  for (const d of donors) {
    if (!(d.scale > 0)) continue;
    const w = similarity(target, d);
    for (let c = 0; c < HOURS_PER_WEEK; c++) acc[c]! += (w * (d.profile[c] ?? 0)) / d.scale;
    total += w;
    best = Math.max(best, w);
    scales.push([d.scale, w]);
    if (d.capacity && d.capacity > 0) ratios.push([d.scale / d.capacity, w]);
  }
  let shape = total > 0 ? acc.map((a) => a / total) : new Array<number>(HOURS_PER_WEEK).fill(0.5);
  if (open) shape = shape.map((p, c) => (open[c] ? Math.max(p, OPEN_SHAPE_FLOOR) : 0));
  const peak = Math.max(...shape);
  if (peak > 0) shape = shape.map((p) => p / peak);
  const capacity = target.capacity && target.capacity > 0 ? target.capacity : null;
  let scale = Number.NaN;
  let scaleFrom: Prior['scaleFrom'] = 'default';
  if (capacity !== null && ratios.length > 0) {
    scale = capacity * weightedMedian(ratios);
    scaleFrom = 'occupancyRatio';
  } else if (scales.length > 0) {
    scale = weightedMedian(scales);
    if (capacity !== null) scale = Math.min(scale, capacity * DEFAULT_PEAK_TO_CAPACITY);
    scaleFrom = 'donorPeak';
  } else if (capacity !== null) scale = capacity * DEFAULT_PEAK_TO_CAPACITY;
  if (!(Number.isFinite(scale) && scale > 0)) {
    scale = 1;
    scaleFrom = 'default';
  }
  // No donor at all: the prior is a guess, worth little against the venue's own data.
  const weight = PRIOR_SCALE_WEIGHT * (total > 0 ? best : 0.1);
  return { shape, scale, weight, scaleFrom };
}

export interface Posterior {
  /** 168 hour-of-week means (raw headcount). */
  profile: number[];
  /** Usual peak (≥ 1). */
  scale: number;
  /** Hours of the venue's own history used. */
  observedHours: number;
}

/** Prior updated with the venue's own hourly `history` on `grid` (NaN = no data). */
export function posteriorProfile(
  prior: Prior,
  grid?: HourGrid,
  history?: Float64Array,
  open?: Uint8Array | null,
): Posterior {
  const sum = new Array<number>(HOURS_PER_WEEK).fill(0);
  const count = new Array<number>(HOURS_PER_WEEK).fill(0);
  let vp = 0;
  let pp = 0;
  let n = 0;
  if (grid && history) {
    for (let i = 0; i < history.length && i < grid.length; i++) {
      const v = history[i]!;
      if (!Number.isFinite(v)) continue;
      const c = grid.hourOfWeek[i]!;
      sum[c]! += v;
      count[c]!++;
      const p = prior.shape[c]!;
      vp += v * p;
      pp += p * p;
      n++;
    }
  }
  const scale = (prior.weight * prior.scale + vp) / (prior.weight + pp);
  const profile = prior.shape.map((p, c) => {
    if (open && !open[c]) return 0;
    return (PRIOR_CELL_WEIGHT * scale * p + sum[c]!) / (PRIOR_CELL_WEIGHT + count[c]!);
  });
  return { profile, scale: Math.max(1, ...profile), observedHours: n };
}
