// The live board: Redis ZSET `pk:rank:{c:<challengeId>}`, member userId, score from ranking.ts. It is a
// copy of MongoDB (rebuildable at any time); reads never touch MongoDB.
import { execBySlot, redisKeys } from '@sport-venue/shared';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '@sport-venue/shared';
import type { ChallengeRecord } from './challenge-store.ts';
import { decodeScore, encodedAbove, rankEntries, type RankedEntry } from './ranking.ts';
import type { BoardEntry } from './standings.ts';

export interface LeaderboardView {
  entries: RankedEntry[];
  me: RankedEntry | null;
  /** The entries just above and just below the viewer (not the viewer). */
  neighbours: RankedEntry[];
}

/**
 * A board as the graph serves it (PkLeaderboard): with the challenge it belongs to, whose record
 * answers the fields the board alone cannot (teamProgress, participantCount).
 */
export interface ChallengeBoard extends LeaderboardView {
  challenge: ChallengeRecord;
}

export interface BoardRequest {
  challengeId: string;
  first: number;
  viewerId: string | null;
  /** false (TEAM_GOAL): everyone at rank 1, nobody counted above. */
  ranked: boolean;
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

  /**
   * Runs the commands queued by `queue` in one round trip on a node (one per challenge slot on a
   * cluster, sent at once); their replies in order.
   */
  async function inOneTrip<T>(queue: (pipeline: ChainableCommander) => void): Promise<T[]> {
    return (await execBySlot(redis, queue)) as T[];
  }

  /**
   * Boards of many challenges (a list of challenges with their leaderboards) in at most three round
   * trips whatever their number: the tops and viewer positions, the viewers' surroundings, and
   * how many rank above each of those.
   */
  async function views(requests: readonly BoardRequest[]): Promise<LeaderboardView[]> {
    const first = await inOneTrip<string[] | number | null>((p) => {
      for (const r of requests) {
        p.zrevrange(key(r.challengeId), 0, r.first - 1, 'WITHSCORES');
        if (r.viewerId !== null) p.zrevrank(key(r.challengeId), r.viewerId);
      }
    });
    let at = 0;
    const tops = requests.map((r) => {
      const flat = first[at++] as string[];
      const position = r.viewerId === null ? null : (first[at++] as number | null);
      return { flat, position };
    });
    const near = requests.flatMap((r, i) => (tops[i]!.position === null ? [] : [i]));
    const arounds = await inOneTrip<string[]>((p) => {
      for (const i of near) {
        const position = tops[i]!.position!;
        p.zrevrange(key(requests[i]!.challengeId), Math.max(0, position - 1), position + 1, 'WITHSCORES');
      }
    });
    const around = new Map(near.map((i, n) => [i, pairs(arounds[n]!)]));
    const toRank = [...around].flatMap(([i, entries]) =>
      requests[i]!.ranked ? entries.map((entry) => ({ i, entry })) : [],
    );
    const higher = await inOneTrip<number>((p) => {
      for (const { i, entry } of toRank)
        p.zcount(key(requests[i]!.challengeId), encodedAbove(decodeScore(entry.encoded)), '+inf');
    });
    const ranks = new Map(toRank.map(({ entry }, n) => [entry, higher[n]! + 1]));
    return requests.map((r, i) => {
      const top = r.ranked ? rankEntries(pairs(tops[i]!.flat)) : unranked(pairs(tops[i]!.flat));
      const entries = around.get(i);
      if (r.viewerId === null || !entries) return { entries: top, me: null, neighbours: [] };
      const ranked: RankedEntry[] = r.ranked
        ? entries.map((e) => ({ userId: e.userId, score: decodeScore(e.encoded), rank: ranks.get(e)! }))
        : unranked(entries);
      return {
        entries: top,
        me: ranked.find((e) => e.userId === r.viewerId) ?? null,
        neighbours: ranked.filter((e) => e.userId !== r.viewerId),
      };
    });
  }

  async function totals(challengeIds: readonly string[]): Promise<number[]> {
    const boards = await inOneTrip<string[]>((p) => {
      for (const id of challengeIds) p.zrange(key(id), 0, -1, 'WITHSCORES');
    });
    return boards.map((flat) => {
      let sum = 0;
      for (let i = 1; i < flat.length; i += 2) sum += decodeScore(Number(flat[i]));
      return sum;
    });
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
      return (await totals([challengeId]))[0]!;
    },
    /** total() of many challenges in one round trip. */
    totals,
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
      return (await views([{ challengeId, first, viewerId, ranked }]))[0]!;
    },
    /** view() of many boards in at most three round trips. */
    views,
  };
}

export type LeaderboardBoard = ReturnType<typeof createLeaderboardBoard>;
