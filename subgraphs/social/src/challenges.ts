// Use cases of PK challenges: each validates with the pure rules, changes one MongoDB document
// atomically, then mirrors the change to the Redis board and notifies subscribers. A refused
// request throws a coded GraphQLError before anything is written.
import { badInput, forbidden, unauthenticated, type CheckinEvent, type Viewer } from '@sport-venue/shared';
import {
  canRead,
  cancelRefusal,
  challengeError,
  cleanText,
  joinRefusal,
  leaveRefusal,
  resolveCap,
  SLOGAN_MAX,
  TITLE_MAX,
  type Visibility,
} from './challenge-rules.ts';
import type { ChallengeRecord, ChallengeStore } from './challenge-store.ts';
import type { ChallengeBoard, LeaderboardBoard } from './leaderboard-board.ts';
import type { LeaderboardPublisher } from './leaderboard-publisher.ts';
import type { ProgressStore } from './progress-store.ts';
import { encodeScore } from './ranking.ts';
import { applyCheckin, CHALLENGE_TYPES, type ChallengeType, type ScoringRules } from './scoring.ts';
import { resolveGoal, teamProgress, teamTotal, type TeamProgress } from './team-goal.ts';
import { resolveWindow } from './window.ts';

/** Moderation hook (e.g. WeChat msgSecCheck): false rejects the text. */
export type ContentCheck = (text: string, field: 'title' | 'slogan') => Promise<boolean>;
export const allowAllContent: ContentCheck = async () => true;

export interface CreateChallengeInput {
  title: string;
  slogan?: string | null;
  type: ChallengeType;
  week?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  maxParticipants?: number | null;
  visibility?: Visibility | null;
  cityCode?: string | null;
  venueId?: string | null;
  /** TEAM_GOAL only (required there): the team's target in minutes. */
  goal?: number | null;
}

export interface ChallengeServiceDeps {
  challenges: ChallengeStore;
  progress: ProgressStore;
  board: LeaderboardBoard;
  publisher: LeaderboardPublisher;
  rules: ScoringRules;
  contentCheck: ContentCheck;
  clock?: () => Date;
}

const requireViewer = (viewer: Viewer | null): Viewer => {
  if (!viewer) throw unauthenticated();
  return viewer;
};

export function createChallengeService(deps: ChallengeServiceDeps) {
  const now = deps.clock ?? (() => new Date());
  const { challenges, progress, board, publisher } = deps;

  async function readable(id: string, viewer: Viewer | null): Promise<ChallengeRecord> {
    const c = await challenges.find(id);
    if (!c) throw challengeError.notFound();
    if (!canRead(c, viewer?.userId ?? null)) throw forbidden('this challenge is for its participants only');
    return c;
  }

  return {
    async create(viewer: Viewer | null, input: CreateChallengeInput): Promise<ChallengeRecord> {
      const me = requireViewer(viewer);
      const at = now();
      if (!CHALLENGE_TYPES.includes(input.type)) throw badInput('unknown challenge type', 'type');
      const title = cleanText('title', input.title, 2, TITLE_MAX);
      const slogan = cleanText('slogan', input.slogan ?? '', 0, SLOGAN_MAX);
      const window = resolveWindow(input, at);
      const maxParticipants = resolveCap(input.type, input.maxParticipants);
      const goal = resolveGoal(input.type, input.goal, {
        maxParticipants,
        dailyMinutesCap: deps.rules.dailyMinutesCap,
        window,
      });
      const visibility = input.visibility ?? 'INVITE';
      const cityCode = input.cityCode?.trim() || null;
      if (visibility === 'PUBLIC' && !cityCode)
        throw badInput('a public challenge needs a cityCode', 'cityCode');
      if (cityCode !== null && !/^\d{6}$/.test(cityCode))
        throw badInput('cityCode is a 6-digit code', 'cityCode');
      const venueId = input.venueId?.trim() || null;
      if (venueId !== null && !/^[1-9]\d{0,18}$/.test(venueId))
        throw badInput('venueId is not a venue id', 'venueId');
      if (!(await deps.contentCheck(title, 'title'))) throw challengeError.contentRejected('title');
      if (slogan && !(await deps.contentCheck(slogan, 'slogan')))
        throw challengeError.contentRejected('slogan');
      const created = await challenges.create(
        {
          title,
          slogan,
          type: input.type,
          creatorId: me.userId,
          venueId,
          cityCode,
          visibility,
          startsAt: window.startsAt,
          endsAt: window.endsAt,
          maxParticipants,
          goal,
        },
        at,
      );
      await board.set(created.id, me.userId, encodeScore(0, created.startsAt, created.startsAt));
      return created;
    },

    async join(viewer: Viewer | null, inviteCode: string): Promise<ChallengeRecord> {
      const me = requireViewer(viewer);
      const at = now();
      const c = await challenges.findByInviteCode(inviteCode);
      if (!c) throw challengeError.notFound();
      const refusal = joinRefusal(c, me.userId, at);
      if (refusal) throw refusal;
      if (c.memberIds.includes(me.userId)) return c; // joining twice is a no-op
      const outcome = await challenges.addMember(c, me.userId, at);
      if (outcome === 'full') throw challengeError.full(); // lost the race for the last seat
      if (outcome === 'joined') {
        await board.set(c.id, me.userId, encodeScore(0, c.startsAt, c.startsAt));
        publisher.notify(c.id);
      }
      return (await challenges.find(c.id)) ?? c;
    },

    async leave(viewer: Viewer | null, id: string): Promise<ChallengeRecord> {
      const me = requireViewer(viewer);
      const at = now();
      const c = await readable(id, me);
      const refusal = leaveRefusal(c, me.userId, at);
      if (refusal) throw refusal;
      if (!(await challenges.removeMember(c.id, me.userId))) throw challengeError.notParticipant(); // left twice at once
      await progress.remove(c.id, me.userId);
      await board.remove(c.id, me.userId);
      publisher.notify(c.id);
      return (await challenges.find(c.id)) ?? c;
    },

    async cancel(viewer: Viewer | null, id: string): Promise<ChallengeRecord> {
      const me = requireViewer(viewer);
      const at = now();
      const c = await readable(id, me);
      const refusal = cancelRefusal(c, me.userId, at);
      if (refusal) throw refusal;
      await challenges.cancel(c.id);
      publisher.notify(c.id);
      return (await challenges.find(c.id)) ?? c;
    },

    mine: (viewer: Viewer | null) => challenges.list({}, { memberId: requireViewer(viewer).userId }),
    /** Challenges by id (null when unknown), for a per-request loader; readable() checks access. */
    findMany: (ids: readonly string[]) => challenges.findMany(ids),
    /** Query.challenge's contract on a loaded challenge: null stays null, unreadable is FORBIDDEN. */
    readable(c: ChallengeRecord | null, viewer: Viewer | null): ChallengeRecord | null {
      if (c && !canRead(c, viewer?.userId ?? null))
        throw forbidden('this challenge is for its participants only');
      return c;
    },
    /** The public challenges each user is in: the same for every caller (no @authenticated needed). */
    ofUsers: (userIds: readonly string[]) => challenges.listForMembers(userIds, { visibility: 'PUBLIC' }),
    publicIn: (cityCode: string) =>
      challenges.list({
        visibility: 'PUBLIC',
        cityCode,
        status: 'OPEN',
        endsAt: { $gt: now() },
      }),
    /** The public challenges restricted to each venue. */
    atVenues: (venueIds: readonly string[]) =>
      challenges.listGroupedBy('venueId', venueIds, { visibility: 'PUBLIC' }),

    /** Leaderboards of many challenges (a per-request loader hands in a list's) in a few Redis round trips. */
    async leaderboards(
      requests: ReadonlyArray<{ challenge: ChallengeRecord; first: number; viewer: Viewer | null }>,
    ): Promise<Array<ChallengeBoard | Error>> {
      const valid = (first: number) => Number.isInteger(first) && first >= 1 && first <= 100;
      const asked = requests.filter((r) => valid(r.first));
      // No ranking in a team (TEAM_GOAL): the same entries in the same order, everyone at rank 1.
      const views = await board.views(
        asked.map(({ challenge: c, first, viewer }) => ({
          challengeId: c.id,
          first,
          viewerId: viewer?.userId ?? null,
          ranked: c.type !== 'TEAM_GOAL',
        })),
      );
      let next = 0;
      return requests.map((r) =>
        valid(r.first)
          ? { ...views[next++]!, challenge: r.challenge }
          : badInput('first must be 1–100', 'first'),
      );
    },

    /**
     * TEAM_GOAL progress of many challenges (null for the other types). Live: the sum of the
     * members' scores on the Redis board (one round trip for all); once settled: the frozen
     * standings, i.e. what decided the rewards.
     */
    async teamProgresses(cs: readonly ChallengeRecord[]): Promise<Array<TeamProgress | null>> {
      const live = cs.filter(
        (c) => c.type === 'TEAM_GOAL' && c.goal !== null && !(c.status === 'SETTLED' && c.standings),
      );
      const totals = new Map(
        (await board.totals(live.map((c) => c.id))).map((total, i) => [live[i]!, total] as const),
      );
      return cs.map((c) => {
        if (c.type !== 'TEAM_GOAL' || c.goal === null) return null;
        const total = totals.get(c) ?? teamTotal(c.standings ?? []);
        return teamProgress(total, c.goal);
      });
    },

    /**
     * Applies one check-in event to every running challenge of its user. Idempotent per event id
     * (the progress document remembers applied events), so redelivery changes nothing.
     */
    async applyCheckinEvent(event: CheckinEvent): Promise<number> {
      const at = new Date(event.at);
      // applyCheckin decides what counts; the query only skips challenges it would refuse anyway
      // (other venues), so their progress is not even read.
      const running = await challenges.summaries(
        {
          status: 'OPEN',
          startsAt: { $lte: at },
          endsAt: { $gt: at },
          venueId: { $in: [null, event.venueId] },
        },
        { memberId: event.userId, limit: 1000 },
      );
      let changed = 0;
      for (const c of running) {
        const next = await progress.update(c.id, event.userId, (p) => applyCheckin(p, event, c, deps.rules));
        if (!next) continue;
        changed++;
        await board.set(
          c.id,
          event.userId,
          encodeScore(next.score, next.achievedAt ?? c.startsAt, c.startsAt),
        );
        publisher.notify(c.id);
      }
      return changed;
    },
  };
}

export type ChallengeService = ReturnType<typeof createChallengeService>;
