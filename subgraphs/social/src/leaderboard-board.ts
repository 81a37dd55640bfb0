// The live board: Redis ZSET `pk:rank:{c:<challengeId>}`, member userId, score from ranking.ts. It is a
// copy of MongoDB (rebuildable at any time); reads never touch MongoDB.
import { redisKeys } from '@sport-venue/shared';
import type { RedisClient } from '@sport-venue/shared';
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

/** Board entries without ranking: everyone at rank 1, in board order. */
const unranked = (entries: BoardEntry[]): RankedEntry[] =>
  entries.map((e) => ({ userId: e.userId, score: decodeScore(e.encoded), rank: 1 }));

export function createLeaderboardBoard(redis: RedisClient) {
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
      // Same hash tag as the live board: the RENAME stays in one slot on Redis Cluster.
      const tmp = redisKeys.pkRankRebuild(challengeId);
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
    /**
     * The top `first` entries and, when the viewer is on the board, the viewer and their neighbours.
     * `ranked: false` (TEAM_GOAL: contributions, no ranking) puts everyone at rank 1 and skips
     * counting who ranks higher.
     */
    async view(
      challengeId: string,
      first: number,
      viewerId: string | null,
      { ranked = true }: { ranked?: boolean } = {},
    ): Promise<LeaderboardView> {
      const [flatTop, position] = await Promise.all([
        redis.zrevrange(key(challengeId), 0, first - 1, 'WITHSCORES'),
        viewerId === null ? null : redis.zrevrank(key(challengeId), viewerId),
      ]);
      const top = ranked ? rankEntries(pairs(flatTop)) : unranked(pairs(flatTop));
      if (viewerId === null || position === null) return { entries: top, me: null, neighbours: [] };
      const around = pairs(
        await redis.zrevrange(key(challengeId), Math.max(0, position - 1), position + 1, 'WITHSCORES'),
      );
      const near = ranked ? await Promise.all(around.map((e) => rankOf(challengeId, e))) : unranked(around);
      return {
        entries: top,
        me: near.find((e) => e.userId === viewerId) ?? null,
        neighbours: near.filter((e) => e.userId !== viewerId),
      };
    },
  };
}

export type LeaderboardBoard = ReturnType<typeof createLeaderboardBoard>;
