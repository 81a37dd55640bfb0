// The live board: Redis ZSET `pk:rank:{challengeId}`, member userId, score from ranking.ts. It is a
// copy of MongoDB (rebuildable at any time); reads never touch MongoDB.
import { redisKeys } from '@sport-venue/shared';
import type { Redis } from 'ioredis';
import type { ChallengeRecord } from './challenge-store.ts';
import { decodeScore, encodedAbove, rankEntries, type RankedEntry } from './ranking.ts';
import type { BoardEntry } from './standings.ts';

export interface LeaderboardView {
  entries: RankedEntry[];
  me: RankedEntry | null;
  /** The entries just above and just below the viewer (not the viewer). */
  neighbours: RankedEntry[];
  /** The challenge the board belongs to (set by the use case: PkLeaderboard.teamProgress). */
  challenge?: ChallengeRecord;
}

const pairs = (flat: string[]) => {
  const out: BoardEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ userId: flat[i]!, encoded: Number(flat[i + 1]) });
  return out;
};

export function createLeaderboardBoard(redis: Redis) {
  const key = redisKeys.pkRank;

  async function rankOf(challengeId: string, entry: BoardEntry): Promise<RankedEntry> {
    const score = decodeScore(entry.encoded);
    const higher = await redis.zcount(key(challengeId), encodedAbove(score), '+inf');
    return { userId: entry.userId, score, rank: higher + 1 };
  }

  return {
    /** Records a participant's new position. GT: a slower writer never lowers a newer score. */
    async set(challengeId: string, userId: string, encoded: number) {
      await redis.zadd(key(challengeId), 'GT', encoded, userId);
    },
    async remove(challengeId: string, userId: string) {
      await redis.zrem(key(challengeId), userId);
    },
    /** Replaces the whole board atomically (readers see the old or the new one, never a mix). */
    async replace(challengeId: string, entries: BoardEntry[]) {
      const tmp = `${key(challengeId)}:rebuild`;
      const multi = redis.multi().del(tmp);
      if (entries.length > 0) {
        multi.zadd(tmp, ...entries.flatMap((e) => [e.encoded, e.userId])).rename(tmp, key(challengeId));
      } else {
        multi.del(key(challengeId));
      }
      await multi.exec();
    },
    /**
     * Sum of every member's score (TEAM_GOAL's team total). Read in one command, so it is the sum
     * of one consistent board; each member's score only grows (ZADD GT), so concurrent events of
     * different members can never cancel each other out.
     */
    async total(challengeId: string): Promise<number> {
      const flat = await redis.zrange(key(challengeId), 0, -1, 'WITHSCORES');
      let sum = 0;
      for (let i = 1; i < flat.length; i += 2) sum += decodeScore(Number(flat[i]));
      return sum;
    },
    async entries(challengeId: string): Promise<BoardEntry[]> {
      return pairs(await redis.zrevrange(key(challengeId), 0, -1, 'WITHSCORES'));
    },
    async view(challengeId: string, first: number, viewerId: string | null): Promise<LeaderboardView> {
      const top = rankEntries(pairs(await redis.zrevrange(key(challengeId), 0, first - 1, 'WITHSCORES')));
      if (viewerId === null) return { entries: top, me: null, neighbours: [] };
      const position = await redis.zrevrank(key(challengeId), viewerId);
      if (position === null) return { entries: top, me: null, neighbours: [] };
      const around = pairs(
        await redis.zrevrange(key(challengeId), Math.max(0, position - 1), position + 1, 'WITHSCORES'),
      );
      const ranked = await Promise.all(around.map((e) => rankOf(challengeId, e)));
      return {
        entries: top,
        me: ranked.find((e) => e.userId === viewerId) ?? null,
        neighbours: ranked.filter((e) => e.userId !== viewerId),
      };
    },
  };
}

export type LeaderboardBoard = ReturnType<typeof createLeaderboardBoard>;
