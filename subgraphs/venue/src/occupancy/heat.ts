import { dayNumber } from '../local-time.ts';

// Venue heat = Σ over days of 2^(-age/7 d) × (distinct users checking in that day + confirmed
// bookings). Instead of rewriting every score as days pass, each unit is added with the growing
// weight 2^((day − epoch)/7): every score then decays by the same factor, so the ZSET order is
// the decayed order at any moment and the decayed value is score / weight(today). Weights reach
// float64's limit (2^1023) about 19 years after the epoch; move the epoch (and divide all scores)
// well before that.

export const HEAT_HALF_LIFE_DAYS = 7;
export const HEAT_EPOCH = '2026-01-01';
const epochDay = dayNumber(HEAT_EPOCH);

/** Score one unit of heat adds on local calendar date `date` (YYYY-MM-DD). */
export function heatWeight(date: string): number {
  return 2 ** ((dayNumber(date) - epochDay) / HEAT_HALF_LIFE_DAYS);
}

/** A stored score as decayed heat on local date `today`. */
export function heatValue(score: number, today: string): number {
  return score / heatWeight(today);
}
