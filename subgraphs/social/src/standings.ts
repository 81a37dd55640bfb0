// The board as MongoDB knows it: every member, in board order. Used to rebuild the Redis ZSET and
// to freeze standings at settlement, so both orders match the live board exactly.
import { encodeScore, rankEntries, type RankedEntry } from './ranking.ts';
import type { Progress } from './scoring.ts';

export interface BoardEntry {
  userId: string;
  encoded: number;
}

/** Members without progress sit at score 0, reached when the window opened. */
export function boardOf(
  memberIds: readonly string[],
  progress: ReadonlyArray<Pick<Progress, 'score' | 'achievedAt'> & { userId: string }>,
  startsAt: Date,
): BoardEntry[] {
  const byUser = new Map(progress.map((p) => [p.userId, p]));
  return memberIds
    .map((userId) => {
      const p = byUser.get(userId);
      return { userId, encoded: encodeScore(p?.score ?? 0, p?.achievedAt ?? startsAt, startsAt) };
    })
    .sort((a, b) => b.encoded - a.encoded || (a.userId < b.userId ? 1 : a.userId > b.userId ? -1 : 0)); // ZREVRANGE order: equal scores by member, reversed
}

export const standingsOf = (board: BoardEntry[]): RankedEntry[] => rankEntries(board);
