// Leaderboard order in one integer: Redis sorts a ZSET by one double, and doubles are exact only
// below 2^53. The high part is the score, the low 22 bits say how early (seconds since the window
// started, complemented) it was reached, so a higher score wins and, among equal scores, the
// earlier achiever sorts first. A window lasts at most 30 days = 2 592 000 s < 2^22.
export const TIME_BITS = 22;
const TIME_SLOTS = 2 ** TIME_BITS; // 4 194 304
/** Largest score that still encodes exactly: (2^31 − 1) · 2^22 + (2^22 − 1) < 2^53. */
export const MAX_SCORE = 2 ** 31 - 1;

export function encodeScore(score: number, achievedAt: Date, startsAt: Date): number {
  const clamped = Math.min(Math.max(0, Math.floor(score)), MAX_SCORE);
  const seconds = Math.floor((achievedAt.getTime() - startsAt.getTime()) / 1000);
  const offset = Math.min(Math.max(0, seconds), TIME_SLOTS - 1);
  return clamped * TIME_SLOTS + (TIME_SLOTS - 1 - offset);
}

export function decodeScore(encoded: number): number {
  return Math.floor(encoded / TIME_SLOTS);
}

/** Smallest encoded value with a score above `score` (for counting who ranks strictly higher). */
export const encodedAbove = (score: number) => (score + 1) * TIME_SLOTS;

export interface RankedEntry {
  userId: string;
  score: number;
  rank: number;
}

/**
 * Ranks entries already in board order (encoded descending), from the top of the board. Equal
 * scores share a rank and the next different score skips (1, 2, 2, 4).
 */
export function rankEntries(entries: ReadonlyArray<{ userId: string; encoded: number }>): RankedEntry[] {
  const ranked: RankedEntry[] = [];
  for (const [i, entry] of entries.entries()) {
    const score = decodeScore(entry.encoded);
    const previous = ranked[i - 1];
    const rank = previous === undefined ? 1 : previous.score === score ? previous.rank : i + 1;
    ranked.push({ userId: entry.userId, score, rank });
  }
  return ranked;
}
