// Challenges in MongoDB. FerretDB v1 (tests, small deployments) has no transactions, and under
// concurrency its conditional updates are read-modify-write without a lock: two updates of one
// document can both pass their filter and one can overwrite the other (we measured lost $push and
// $inc). The only race-proof primitive it offers is a unique index. So every contended change is an
// INSERT that a unique index arbitrates:
//   - membership: one `pk_seats` document per taken seat, unique on (challengeId, seat) — the cap —
//     and on (challengeId, userId) — no double join; leaving deletes the seat;
//   - settlement: one `pk_settlements` document per attempt, unique _id `{challengeId}#{n}`, so
//     exactly one replica wins each attempt.
// The challenge document itself only changes from one writer at a time (creator cancels before the
// start; the settlement winner after the end).
import { randomInt } from 'node:crypto';
import { Schema, type Connection, type Model, isValidObjectId } from 'mongoose';
import {
  DEFAULT_MAX_PARTICIPANTS,
  type ChallengeFacts,
  type StoredStatus,
  type Visibility,
} from './challenge-rules.ts';
import { isDuplicateKey, modelOf } from './mongo.ts';
import type { RankedEntry } from './ranking.ts';
import type { ChallengeType } from './scoring.ts';
import { nextIsoWeek } from './window.ts';

export interface ChallengeRecord extends ChallengeFacts {
  id: string;
  /** TEAM_GOAL: the team's target in minutes; null for the other types (and TEAM_GOALs older than goals). */
  goal: number | null;
  title: string;
  slogan: string;
  venueId: string | null;
  cityCode: string | null;
  inviteCode: string;
  createdAt: Date;
  settledAt: Date | null;
  standings: RankedEntry[] | null;
}

interface ChallengeDoc {
  title: string;
  slogan: string;
  type: ChallengeType;
  status: StoredStatus;
  creatorId: string;
  venueId: string | null;
  cityCode: string | null;
  visibility: Visibility;
  inviteCode: string;
  startsAt: Date;
  endsAt: Date;
  maxParticipants: number;
  /** TEAM_GOAL: the team's target in minutes; null for the other types. */
  goal: number | null;
  createdAt: Date;
  settledAt: Date | null;
  standings: RankedEntry[] | null;
}

const challengeSchema = new Schema<ChallengeDoc>(
  {
    title: { type: String, required: true },
    slogan: { type: String, default: '' },
    type: { type: String, required: true },
    status: { type: String, required: true, index: true },
    creatorId: { type: String, required: true },
    venueId: { type: String, default: null, index: true },
    cityCode: { type: String, default: null, index: true },
    visibility: { type: String, required: true },
    inviteCode: { type: String, required: true, unique: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true, index: true },
    maxParticipants: { type: Number, required: true },
    goal: { type: Number, default: null },
    createdAt: { type: Date, default: () => new Date() },
    settledAt: { type: Date, default: null },
    standings: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'challenges', versionKey: false },
);

interface SeatDoc {
  challengeId: string;
  seat: number;
  userId: string;
  joinedAt: Date;
}

const seatSchema = new Schema<SeatDoc>(
  {
    challengeId: { type: String, required: true },
    seat: { type: Number, required: true },
    userId: { type: String, required: true, index: true },
    joinedAt: { type: Date, required: true },
  },
  { collection: 'pk_seats', versionKey: false },
);
seatSchema.index({ challengeId: 1, seat: 1 }, { unique: true });
seatSchema.index({ challengeId: 1, userId: 1 }, { unique: true });

interface SettlementDoc {
  _id: string;
  challengeId: string;
  attempt: number;
  instance: string;
  claimedAt: Date;
  /** End of the claimant's lease: after it, the next attempt may take over. */
  expiresAt: Date | null;
}

const settlementSchema = new Schema<SettlementDoc>(
  {
    _id: { type: String, required: true },
    challengeId: { type: String, required: true, index: true },
    attempt: { type: Number, required: true },
    instance: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    // Claims written before leases were stored have none: their lease is the reader's.
    expiresAt: { type: Date, default: null },
  },
  { collection: 'pk_settlements', versionKey: false },
);

export type ChallengeModel = Model<ChallengeDoc>;

export const challengeModel = (connection: Connection): ChallengeModel =>
  modelOf(connection, 'Challenge', challengeSchema);

/** A challenge without its member list (for callers that never read it). */
export type ChallengeSummary = Omit<ChallengeRecord, 'memberIds'>;

function toSummary(doc: ChallengeDoc & { _id: unknown }): ChallengeSummary {
  return {
    id: String(doc._id),
    title: doc.title,
    slogan: doc.slogan ?? '',
    type: doc.type,
    status: doc.status,
    creatorId: doc.creatorId,
    venueId: doc.venueId ?? null,
    cityCode: doc.cityCode ?? null,
    visibility: doc.visibility,
    inviteCode: doc.inviteCode,
    startsAt: doc.startsAt,
    endsAt: doc.endsAt,
    maxParticipants: doc.maxParticipants,
    goal: doc.goal ?? null,
    createdAt: doc.createdAt,
    settledAt: doc.settledAt ?? null,
    standings: doc.standings ?? null,
  };
}

const toRecord = (doc: ChallengeDoc & { _id: unknown }, memberIds: string[]): ChallengeRecord => ({
  ...toSummary(doc),
  memberIds,
});

// No 0/O/1/I/L: codes are read aloud and typed from screenshots.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const newInviteCode = () =>
  Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/** When a claim's lease ends (claims from before stored leases: the reader's lease). */
const leaseEnd = (claim: Pick<SettlementDoc, 'claimedAt' | 'expiresAt'>, leaseMs: number) =>
  claim.expiresAt ? claim.expiresAt.getTime() : claim.claimedAt.getTime() + leaseMs;

interface ListOptions {
  memberId?: string;
  limit?: number;
}

export function createChallengeStore(model: ChallengeModel) {
  const connection = model.db;
  const seats = modelOf(connection, 'PkSeat', seatSchema);
  const settlements = modelOf(connection, 'PkSettlement', settlementSchema);

  /** Member ids per challenge, in joining order. */
  async function membersOf(ids: string[]): Promise<Map<string, string[]>> {
    const docs = await seats
      .find({ challengeId: { $in: ids } })
      .sort({ joinedAt: 1, seat: 1 })
      .lean();
    const byChallenge = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const d of docs) byChallenge.get(d.challengeId)?.push(d.userId);
    return byChallenge;
  }

  async function records(docs: Array<ChallengeDoc & { _id: unknown }>): Promise<ChallengeRecord[]> {
    if (docs.length === 0) return [];
    const members = await membersOf(docs.map((d) => String(d._id)));
    return docs.map((d) => toRecord(d, members.get(String(d._id)) ?? []));
  }

  /** Challenge documents matching `filter`, newest first; with `memberId`, only those with a seat of theirs. */
  async function matching(filter: Record<string, unknown>, opts: ListOptions) {
    const query = { ...filter };
    if (opts.memberId !== undefined) {
      const mine = await seats.find({ userId: opts.memberId }, { challengeId: 1 }).lean();
      const ids = mine.map((s) => s.challengeId).filter((id) => isValidObjectId(id));
      if (ids.length === 0) return []; // in no challenge at all: one round trip
      query._id = { $in: ids };
    }
    return model
      .find(query)
      .sort({ startsAt: -1 })
      .limit(opts.limit ?? 100)
      .lean();
  }

  async function takeSeat(challengeId: string, seat: number, userId: string, joinedAt: Date) {
    try {
      await seats.create({ challengeId, seat, userId, joinedAt });
      return 'taken' as const;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await seats.exists({ challengeId, userId })) ? ('member' as const) : ('occupied' as const);
    }
  }

  /** Collections and unique indexes exist (mongoose caches the promise). */
  const ready = () => Promise.all([model.init(), seats.init(), settlements.init()]);

  return {
    model,
    seats,
    settlements,
    ready,
    async find(id: string): Promise<ChallengeRecord | null> {
      if (!isValidObjectId(id)) return null;
      const doc = await model.findById(id).lean();
      return doc ? ((await records([doc]))[0] ?? null) : null;
    },
    /** Challenges by id in the order asked (null for unknown or malformed ids): two round trips for any number. */
    async findMany(ids: readonly string[]): Promise<Array<ChallengeRecord | null>> {
      const valid = ids.filter((id) => isValidObjectId(id));
      if (valid.length === 0) return ids.map(() => null);
      const byId = new Map(
        (await records(await model.find({ _id: { $in: valid } }).lean())).map((c) => [c.id, c]),
      );
      return ids.map((id) => byId.get(id) ?? null);
    },
    /**
     * `list(filter)` for each value of `field` at once (e.g. the public challenges of many venues),
     * grouped in the order of `values`, newest first, at most `limit` each: two round trips.
     */
    async listGroupedBy(
      field: 'venueId',
      values: readonly string[],
      filter: Record<string, unknown>,
      limit = 100,
    ): Promise<ChallengeRecord[][]> {
      const docs = await model
        .find({ ...filter, [field]: { $in: [...new Set(values)] } })
        .sort({ startsAt: -1 })
        .lean();
      const groups = new Map<string, ChallengeRecord[]>(values.map((v) => [v, []]));
      for (const c of await records(docs)) {
        const group = groups.get(String(c[field]));
        if (group && group.length < limit) group.push(c);
      }
      return values.map((v) => groups.get(v)!);
    },
    /**
     * `list(filter, { memberId })` for many members at once, in the order of `memberIds`, newest
     * first, at most `limit` each: three round trips (their seats, the challenges, their members).
     */
    async listForMembers(
      memberIds: readonly string[],
      filter: Record<string, unknown>,
      limit = 100,
    ): Promise<ChallengeRecord[][]> {
      const mine = await seats
        .find({ userId: { $in: [...new Set(memberIds)] } }, { challengeId: 1, userId: 1 })
        .lean();
      const ids = [...new Set(mine.map((s) => s.challengeId).filter((id) => isValidObjectId(id)))];
      const found =
        ids.length === 0
          ? []
          : await records(
              await model
                .find({ ...filter, _id: { $in: ids } })
                .sort({ startsAt: -1 })
                .lean(),
            );
      const seatsOf = new Map<string, Set<string>>();
      for (const s of mine) {
        const set = seatsOf.get(s.userId) ?? new Set<string>();
        set.add(s.challengeId);
        seatsOf.set(s.userId, set);
      }
      return memberIds.map((userId) => {
        const of = seatsOf.get(userId);
        return of ? found.filter((c) => of.has(c.id)).slice(0, limit) : [];
      });
    },
    async findByInviteCode(code: string): Promise<ChallengeRecord | null> {
      const doc = await model.findOne({ inviteCode: code.trim().toUpperCase() }).lean();
      return doc ? ((await records([doc]))[0] ?? null) : null;
    },
    /** Challenges matching `filter`, optionally only those `memberId` has a seat in. */
    list: async (filter: Record<string, unknown>, opts: ListOptions = {}): Promise<ChallengeRecord[]> =>
      records(await matching(filter, opts)),
    /** Like list, without the member lists (one round trip less: the check-in consumer's hot path). */
    summaries: async (filter: Record<string, unknown>, opts: ListOptions = {}): Promise<ChallengeSummary[]> =>
      (await matching(filter, opts)).map(toSummary),
    /** Creates the challenge with its creator in seat 0; retries the rare invite-code clash. */
    async create(
      input: Omit<
        ChallengeDoc,
        'inviteCode' | 'createdAt' | 'settledAt' | 'standings' | 'status' | 'goal'
      > & {
        goal?: number | null;
      },
      now: Date,
    ): Promise<ChallengeRecord> {
      await ready();
      for (let attempt = 0; ; attempt++) {
        try {
          const doc = await model.create({
            ...input,
            status: 'OPEN',
            inviteCode: newInviteCode(),
            createdAt: now,
          });
          await seats.create({
            challengeId: String(doc._id),
            seat: 0,
            userId: input.creatorId,
            joinedAt: now,
          });
          return toRecord(doc.toObject(), [input.creatorId]);
        } catch (err) {
          if (!isDuplicateKey(err) || attempt >= 4) throw err;
        }
      }
    },
    /**
     * Seats `userId` in the first free seat: 'joined', 'member' (already in) or 'full'. The unique
     * index on (challengeId, seat) makes the cap hold however many join at once.
     */
    async addMember(
      c: Pick<ChallengeRecord, 'id' | 'maxParticipants' | 'memberIds'>,
      userId: string,
      now: Date,
    ) {
      await ready();
      const taken = new Set((await seats.find({ challengeId: c.id }, { seat: 1 }).lean()).map((s) => s.seat));
      for (let seat = 0; seat < c.maxParticipants; seat++) {
        if (taken.has(seat)) continue;
        const result = await takeSeat(c.id, seat, userId, now);
        if (result === 'taken') return 'joined' as const;
        if (result === 'member') return 'member' as const;
      }
      return 'full' as const;
    },
    async removeMember(id: string, userId: string): Promise<boolean> {
      return (await seats.deleteOne({ challengeId: id, userId })).deletedCount === 1;
    },
    async cancel(id: string): Promise<void> {
      await model.updateOne({ _id: id, status: 'OPEN' }, { $set: { status: 'CANCELLED' } });
    },
    /**
     * Claims one challenge whose window ended before `cutoff` for settlement by `instance`, with a
     * lease until `now + leaseMs`. Each attempt is an insert with a unique id, so exactly one
     * replica wins it. While the latest claim's lease runs, nobody else tries; once it expired and
     * the challenge is still unsettled (the claimant died or failed), the next attempt takes over —
     * again an insert, so exactly one replica wins the takeover. Rewards are idempotent, so redoing
     * the work is safe.
     */
    async claimForSettlement(cutoff: Date, instance: string, now: Date, leaseMs: number) {
      await ready();
      const due = await model
        .find({ status: 'OPEN', endsAt: { $lte: cutoff } })
        .sort({ endsAt: 1 })
        .limit(20)
        .lean();
      for (const doc of due) {
        const challengeId = String(doc._id);
        const last = await settlements.findOne({ challengeId }).sort({ attempt: -1 }).lean();
        if (last && leaseEnd(last, leaseMs) > now.getTime()) continue; // someone is on it
        const attempt = (last?.attempt ?? 0) + 1;
        try {
          await settlements.create({
            _id: `${challengeId}#${attempt}`,
            challengeId,
            attempt,
            instance,
            claimedAt: now,
            expiresAt: new Date(now.getTime() + leaseMs),
          });
        } catch (err) {
          if (isDuplicateKey(err)) continue; // another replica won this attempt
          throw err;
        }
        // The previous claimant may have finished between our read and our claim: read again.
        const current = await model.findById(challengeId).lean();
        if (!current || current.status !== 'OPEN') continue;
        return { challenge: (await records([current]))[0]!, attempt };
      }
      return null;
    },
    /** The claims of a challenge, oldest first (operations and tests). */
    claimsOf: (challengeId: string) => settlements.find({ challengeId }).sort({ attempt: 1 }).lean(),
    /** Freezes the standings (only the claim's winner gets here, so there is one writer). */
    async finishSettlement(id: string, standings: RankedEntry[], now: Date): Promise<void> {
      await model.updateOne(
        { _id: id, status: 'OPEN' },
        { $set: { status: 'SETTLED', standings, settledAt: now } },
      );
    },
  };
}

export type ChallengeStore = ReturnType<typeof createChallengeStore>;

/** Reads one challenge by id (null for an unknown or malformed id). */
export const findChallenge = (model: ChallengeModel, id: string) => createChallengeStore(model).find(id);

/**
 * A public CHECKIN_DAYS challenge for next ISO week with default cap, created directly (seed data
 * and tests); requests go through the use cases in challenges.ts, which validate.
 */
export async function createChallenge(
  model: ChallengeModel,
  input: { title: string; creatorId: string; venueId: string | null },
  now = new Date(),
) {
  const window = nextIsoWeek(now);
  return createChallengeStore(model).create(
    {
      title: input.title,
      slogan: '',
      type: 'CHECKIN_DAYS',
      creatorId: input.creatorId,
      venueId: input.venueId,
      cityCode: null,
      visibility: 'PUBLIC',
      maxParticipants: DEFAULT_MAX_PARTICIPANTS,
      ...window,
    },
    now,
  );
}
