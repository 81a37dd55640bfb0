// Redis adapter for live presence, partitioned by owner (docs/decisions/0012). A change is a user
// step (check-in.lua / check-out.lua on the user's `{u:<id>}` keys: every decision that must be
// atomic per user, plus a journal entry) followed by venue steps (venue-presence.lua on each
// touched venue's `{v:<id>}` keys), which are idempotent so the journal sweeper can redo them.
// Everything a script needs from the database (venue, expiry, heat weight) is computed first.
import { randomInt, randomUUID } from 'node:crypto';
import { isCluster, redisKeys, serviceBusy, type RedisClient } from '@sport-venue/shared';
import type { PresenceRules } from './check-in-rules.ts';
import { DAY_MS } from '../clock.ts';
import { mirrorHeat } from '../occupancy/heat-store.ts';
import { LuaScript } from './lua-script.ts';
import { PRESENCE_SHARDS, presenceKeys } from './presence-keys.ts';

export type EndReason = 'EXPLICIT' | 'AUTO' | 'SUPERSEDED';
export type CheckInSource = 'GPS' | 'QR' | 'BOOKING';

/** One session as a script saw it; times in ms since the epoch. */
export interface SessionFacts {
  sessionId: string;
  /** Id of the event describing this fact (CHECKED_IN for `opened`, CHECKED_OUT for `closed`). */
  eventId: string;
  userId: string;
  venueId: string;
  cityCode: string;
  source: CheckInSource;
  counted: boolean;
  startedAt: number;
  expiresAt: number;
  endedAt?: number;
  minutes?: number;
  reason?: EndReason;
  /** Opened sessions: the venue-local date and weight of the distinct-user heat they add. */
  heatDate?: string;
  heatWeight?: string | number;
  /** Headcount of the venue right after its venue step, and its version (not journaled). */
  count?: number;
  seq?: number;
}

/** What one accepted check-in or check-out changed; also the journal entry until persisted. */
export interface PresenceChange {
  batchId: string;
  /** Wall-clock ms when the change was made (the journal sweeper's grace period runs from it). */
  journalAt: number;
  opened?: SessionFacts;
  closed?: SessionFacts;
}

/** A change as the request holds it: plus the version it registered in the journal index. */
export interface PendingChange extends PresenceChange {
  indexVersion: number;
}

export type RejectionCode =
  'ALREADY_CHECKED_IN' | 'RATE_LIMITED' | 'IMPLAUSIBLE_TRAVEL' | 'NOT_CHECKED_IN' | 'NOT_DUE';

export type PresenceOutcome =
  | { ok: true; change: PendingChange; replayed: boolean }
  | {
      ok: false;
      code: RejectionCode;
      sessionId?: string;
      retryAfterMs?: number;
      distanceM?: number;
      /** AUTO that was not due: the session's real expiry, if there is a session. */
      expiresAt?: number;
    };

export interface CheckInCommand {
  userId: string;
  venueId: string;
  cityCode: string;
  venueLat: number;
  venueLng: number;
  now: Date;
  expiresAt: Date;
  /** Local calendar date of the venue (heat counts distinct users per day) and its heat weight. */
  heatDate: string;
  heatWeight: number;
  source: CheckInSource;
  idempotencyKey: string;
}

export interface OpenSession {
  sessionId: string;
  venueId: string;
  cityCode: string;
  startedAt: number;
  expiresAt: number;
  counted: boolean;
}

const checkInScript = new LuaScript('presence-common.lua', 'check-in.lua');
const checkOutScript = new LuaScript('presence-common.lua', 'check-out.lua');
const venueScript = new LuaScript('venue-presence.lua');
const indexCasScript = new LuaScript('index-cas.lua');
const settleScript = new LuaScript('settle.lua');

/** A venue's distinct-user set of a local day outlives the day (venue zones differ from UTC). */
const HEAT_DAY_TTL_MS = 3 * DAY_MS;

type RawResult = { ok: boolean; code?: RejectionCode } & Partial<PresenceChange> & {
    replayed?: boolean;
    sessionId?: string;
    retryAfterMs?: number;
    distanceM?: number;
    expiresAt?: number;
  };

function toOutcome(raw: RawResult, replayed: boolean, indexVersion: number): PresenceOutcome {
  if (!raw.ok) {
    return {
      ok: false,
      code: raw.code!,
      sessionId: raw.sessionId,
      retryAfterMs: raw.retryAfterMs,
      distanceM: raw.distanceM,
      expiresAt: raw.expiresAt,
    };
  }
  const change: PendingChange = { batchId: raw.batchId ?? '', journalAt: raw.journalAt ?? 0, indexVersion };
  if (raw.opened) change.opened = raw.opened;
  if (raw.closed) change.closed = raw.closed;
  return { ok: true, change, replayed: replayed || raw.replayed === true };
}

/**
 * A version no other request of the user picks (exact in a double, as ZSET scores are).
 * Journal-index versions carry their registration time (ms × 2048 + a random tie-breaker; exact
 * doubles until 2109), so a sweep can tell a registration whose request may still be on its way to
 * the user step (journal still empty) from an abandoned one, and leaves the former alone.
 */
const VERSION_SPREAD = 2048;
const newVersion = () => Date.now() * VERSION_SPREAD + randomInt(0, VERSION_SPREAD);
const registeredAt = (version: number) => Math.floor(version / VERSION_SPREAD);
/** What a cluster user step answers when its registration is too old to write behind (presence-common.lua). */
const STALE_REGISTRATION = 'STALE';

interface VenueStepResult {
  changed: boolean;
  count: number;
  seq: number;
  heat: string;
}

export class PresenceStore {
  readonly #redis: RedisClient;
  readonly #rules: PresenceRules;
  /**
   * On a single Redis node the user step registers the user in the journal index itself (with its
   * journal entry, atomically) and the settle drops the index entry itself: two round trips fewer
   * per check-in (docs/decisions/0031). On a cluster the index lives in another slot than the
   * user's keys, so registration and the index's compare-and-delete stay calls of their own.
   */
  readonly registersInStep: boolean;

  constructor(redis: RedisClient, rules: PresenceRules) {
    this.#redis = redis;
    this.#rules = rules;
    this.registersInStep = !isCluster(redis);
  }

  #rate(userId: string, now: number) {
    const windowMs = this.#rules.rateWindowMs;
    const window = Math.floor(now / windowMs);
    return {
      key: presenceKeys.rate(userId, window),
      args: [this.#rules.rateLimit, (window + 1) * windowMs - now, windowMs + 60_000],
    };
  }

  /**
   * Registers the user in the journal index BEFORE a user step that may write a journal entry, so
   * that a process dying right after the step leaves an entry the sweeper can find. A caller that
   * registers ahead (`checkIn`'s `registered`) and then runs no step gives it back (`unregister`).
   */
  async register(userId: string): Promise<number> {
    const version = newVersion();
    await this.#redis.zadd(presenceKeys.journalIndexOf(userId), version, userId);
    return version;
  }

  /**
   * Gives a registration back: drops the user's index entry if the journal is empty and nobody
   * registered since `version`. The journal may hold the change of an earlier request that died
   * after its user step — a client's retry with the same idempotency key replays that change and
   * registers anew — and that entry must stay findable until the sweeper has persisted it. (Only a
   * registration writes a new entry, and it changes the version, so emptiness read first holds.)
   */
  async unregister(userId: string, version: number): Promise<void> {
    if ((await this.#redis.hlen(presenceKeys.journal(userId))) > 0) return;
    await this.#dropIndexEntry(userId, version);
  }

  /** Drops the user's index entry if nobody registered since `version` (one-key compare-and-delete). */
  async #dropIndexEntry(userId: string, version: number): Promise<void> {
    await indexCasScript.run(this.#redis, [presenceKeys.journalIndexOf(userId)], [userId, version, '']);
  }

  /** The stored result of an earlier check-in with this key, if any. */
  async storedCheckIn(userId: string, idempotencyKey: string): Promise<PresenceChange | null> {
    const stored = await this.#redis.get(presenceKeys.idempotency(userId, idempotencyKey));
    if (!stored) return null;
    const outcome = toOutcome(JSON.parse(stored) as RawResult, true, 0);
    return outcome.ok ? outcome.change : null;
  }

  /**
   * The user step of a check-in. An accepted change still needs applyToVenues and settle.
   * `registered`: the version of a `register` the caller started earlier (saves a round trip).
   * When the step registers itself (`registersInStep`) nothing needs registering ahead, and a
   * rejected or replayed step leaves nothing to give back.
   */
  async checkIn(cmd: CheckInCommand, registered?: Promise<number>): Promise<PresenceOutcome> {
    const now = cmd.now.getTime();
    const rate = this.#rate(cmd.userId, now);
    const sessionId = randomUUID();
    const inStep = registered === undefined && this.registersInStep;
    const keys = [
      presenceKeys.session(cmd.userId),
      presenceKeys.last(cmd.userId),
      presenceKeys.counted(cmd.userId, cmd.venueId),
      presenceKeys.idempotency(cmd.userId, cmd.idempotencyKey),
      rate.key,
      presenceKeys.journal(cmd.userId),
    ];
    if (inStep) keys.push(presenceKeys.journalIndexOf(cmd.userId));
    const args = [
      cmd.userId,
      cmd.venueId,
      cmd.cityCode,
      now,
      sessionId,
      cmd.expiresAt.getTime(),
      this.#rules.countedWindowMs,
      ...rate.args,
      cmd.venueLat,
      cmd.venueLng,
      this.#rules.maxSpeedKmh,
      this.#rules.travelSlackM,
      randomUUID(),
      randomUUID(),
      cmd.source,
      this.#rules.idempotencyTtlMs,
      Date.now(),
      cmd.heatDate,
      cmd.heatWeight,
    ];
    const { raw, version } = await this.#userStep(checkInScript, keys, args, cmd.userId, inStep, registered);
    const replayed = raw.startsWith('R');
    const outcome = toOutcome(JSON.parse(raw.slice(1)) as RawResult, replayed, version);
    if (!inStep && (!outcome.ok || replayed)) await this.unregister(cmd.userId, version);
    return outcome;
  }

  /**
   * Runs a user step with its journal-index registration: in the step itself on a single node; on
   * a cluster after registering (or with the caller's registration), registering again when the
   * step finds its registration too old to write an entry behind (presence-common.lua).
   */
  async #userStep(
    script: LuaScript,
    keys: string[],
    args: Array<string | number>,
    userId: string,
    inStep: boolean,
    registered?: Promise<number>,
  ): Promise<{ raw: string; version: number }> {
    if (inStep) {
      const version = newVersion();
      return { raw: await script.run(this.#redis, keys, [...args, version]), version };
    }
    const maxAgeMs = this.#rules.journalGraceMs / 2;
    let version = await (registered ?? this.register(userId));
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const raw = await script.run(this.#redis, keys, [...args, registeredAt(version), maxAgeMs]);
      if (raw !== STALE_REGISTRATION) return { raw, version };
      version = await this.register(userId);
    }
    // Twice too old although just registered: this host's clock and Redis's disagree by more than
    // the step allows. Nothing was written; the client may retry with the same idempotency key.
    await this.unregister(userId, version);
    throw serviceBusy();
  }

  async #checkOut(userId: string, venueId: string, now: Date, mode: 'EXPLICIT' | 'AUTO') {
    const rate = this.#rate(userId, now.getTime());
    // As for check-ins: on a single node the step registers the user itself (with its entry).
    const inStep = this.registersInStep;
    const keys = [
      presenceKeys.session(userId),
      presenceKeys.last(userId),
      presenceKeys.journal(userId),
      rate.key,
    ];
    if (inStep) keys.push(presenceKeys.journalIndexOf(userId));
    const args = [
      userId,
      venueId,
      now.getTime(),
      mode,
      randomUUID(),
      ...rate.args,
      this.#rules.checkoutReplayMs,
      Date.now(),
      randomUUID(),
    ];
    const { raw, version } = await this.#userStep(checkOutScript, keys, args, userId, inStep);
    const outcome = toOutcome(JSON.parse(raw) as RawResult, false, version);
    if (!inStep && (!outcome.ok || outcome.replayed)) await this.unregister(userId, version);
    return outcome;
  }

  /** The user step of a check-out. An accepted change still needs applyToVenues and settle. */
  checkOut(userId: string, venueId: string, now: Date): Promise<PresenceOutcome> {
    return this.#checkOut(userId, venueId, now, 'EXPLICIT');
  }

  /** Ends the user's session at its expiry if that has passed; NOT_DUE otherwise. */
  autoCheckOut(userId: string, now: Date): Promise<PresenceOutcome> {
    return this.#checkOut(userId, '', now, 'AUTO');
  }

  async #venueStep(op: 'OPEN' | 'CLOSE', s: SessionFacts): Promise<VenueStepResult> {
    const raw = await venueScript.run(
      this.#redis,
      [
        presenceKeys.venuePresent(s.venueId),
        redisKeys.venueCurrent(s.venueId),
        presenceKeys.venueSeq(s.venueId),
        presenceKeys.venueEnded(s.venueId),
        presenceKeys.heatDay(s.venueId, s.heatDate ?? ''),
        redisKeys.venueHeat(s.venueId),
      ],
      [op, s.userId, s.sessionId, s.startedAt, Date.now(), s.heatWeight ?? 0, HEAT_DAY_TTL_MS],
    );
    return JSON.parse(raw) as VenueStepResult;
  }

  /**
   * The venue steps of a change: the closed session's venue first, then the opened one's; then the
   * indexes and rankings that mirror them. Idempotent: the request runs it, and the journal sweeper
   * again for a change whose request died. Fills in `count` and `seq` of the sessions.
   */
  async applyToVenues(change: PresenceChange): Promise<void> {
    await (
      await this.stepVenues(change)
    ).mirrored;
  }

  /**
   * `applyToVenues` for a request: resolves once the venue steps ran (counts and seqs filled in),
   * with `mirrored` still in flight — the expiry index and heat rankings, which go out with the
   * caller's next commands (its PUBLISH) instead of a round trip of their own. The caller awaits
   * `mirrored` before it settles the change, so the journal covers them as before.
   */
  async stepVenues(change: PresenceChange): Promise<{ mirrored: Promise<unknown> }> {
    if (change.closed) {
      const r = await this.#venueStep('CLOSE', change.closed);
      change.closed.count = r.count;
      change.closed.seq = r.seq;
    }
    const opened = change.opened;
    if (!opened) return { mirrored: Promise.resolve() };
    // Absolute values: writing them again (a replay, a later change) is harmless. The expiry needs
    // nothing from the venue step, so it shares the step's write (an auto check-out that found it
    // first would close the session at the venue first: a late open of a closed session is a no-op).
    const expiry = this.#redis.zadd(presenceKeys.expiriesOf(opened.userId), opened.expiresAt, opened.userId);
    expiry.catch(() => undefined); // awaited with the mirrors (or the step's failure is the error)
    const r = await this.#venueStep('OPEN', opened);
    opened.count = r.count;
    opened.seq = r.seq;
    const mirrored = Promise.all([
      expiry,
      mirrorHeat(this.#redis, opened.venueId, opened.cityCode, r.heat, true),
    ]);
    mirrored.catch(() => undefined); // the caller may fail before awaiting it (its own error wins)
    return { mirrored };
  }

  /** The change is in MariaDB: forget its journal entry, and the index entry if nothing else is pending. */
  async settle(userId: string, batchIds: string[], indexVersion: number): Promise<void> {
    // One script call (auto-pipelined with other requests' commands): HDEL and HLEN on the user's
    // journal, and on a single node the index's compare-and-delete too (settle.lua).
    const keys = [presenceKeys.journal(userId)];
    if (this.registersInStep) keys.push(presenceKeys.journalIndexOf(userId));
    const left = Number(await settleScript.run(this.#redis, keys, [userId, indexVersion, ...batchIds]));
    if (left === 0 && !this.registersInStep) await this.#dropIndexEntry(userId, indexVersion);
  }

  /** Users whose session expiry has passed, with the expiry the index holds, oldest first. */
  async dueForAutoCheckOut(now: Date, limit: number): Promise<Array<{ userId: string; expiry: number }>> {
    const out: Array<{ userId: string; expiry: number }> = [];
    for (let shard = 0; shard < PRESENCE_SHARDS && out.length < limit; shard++) {
      const flat = await this.#redis.zrangebyscore(
        presenceKeys.expiries(shard),
        '-inf',
        now.getTime(),
        'WITHSCORES',
        'LIMIT',
        0,
        limit - out.length,
      );
      for (let i = 0; i < flat.length; i += 2) out.push({ userId: flat[i]!, expiry: Number(flat[i + 1]) });
    }
    return out.sort((a, b) => a.expiry - b.expiry);
  }

  /** Moves (or, `next` null, drops) the user's expiry entry unless someone changed it meanwhile. */
  async fixExpiry(userId: string, seen: number, next: number | null): Promise<void> {
    await indexCasScript.run(this.#redis, [presenceKeys.expiriesOf(userId)], [userId, seen, next ?? '']);
  }

  async openSession(userId: string): Promise<OpenSession | null> {
    const s = await this.#redis.hgetall(presenceKeys.session(userId));
    if (!s.sid) return null;
    return {
      sessionId: s.sid,
      venueId: s.venueId!,
      cityCode: s.cityCode!,
      startedAt: Number(s.startedAt),
      expiresAt: Number(s.expiresAt),
      counted: s.counted === '1',
    };
  }

  /**
   * Users with journal entries older than the grace period (changes whose venue steps or database
   * write never finished), with the index version seen; `stale` lists index entries whose journal
   * turned out empty.
   */
  async pendingJournal(
    olderThanWallMs: number,
    limit = 500,
  ): Promise<{
    pending: Array<{ userId: string; version: number; changes: PresenceChange[] }>;
    stale: Array<{ userId: string; version: number }>;
  }> {
    const pending: Array<{ userId: string; version: number; changes: PresenceChange[] }> = [];
    const stale: Array<{ userId: string; version: number }> = [];
    let found = 0;
    for (let shard = 0; shard < PRESENCE_SHARDS && found < limit; shard++) {
      const flat = await this.#redis.zrange(presenceKeys.journalIndex(shard), 0, limit - 1, 'WITHSCORES');
      for (let i = 0; i < flat.length && found < limit; i += 2) {
        const userId = flat[i]!;
        const version = Number(flat[i + 1]);
        const entries = Object.values(await this.#redis.hgetall(presenceKeys.journal(userId)));
        if (entries.length === 0) {
          // Registered before the grace and still empty: its request ended without a step (or
          // settled). A younger registration may precede a step that is about to write its entry.
          if (registeredAt(version) < olderThanWallMs) stale.push({ userId, version });
          continue;
        }
        const changes = entries
          .map((e) => JSON.parse(e) as PresenceChange)
          .filter((c) => c.journalAt < olderThanWallMs)
          // A user's changes in the order they were made: a session's close after its open.
          .sort((a, b) => a.journalAt - b.journalAt);
        if (changes.length === 0) continue;
        pending.push({ userId, version, changes });
        found += changes.length;
      }
    }
    return { pending, stale };
  }

  /**
   * Drops index entries of users whose journal the sweep just read empty, unless they registered
   * again (no second emptiness read: a new entry only follows a registration, which changes the version).
   */
  async dropStaleIndex(entries: Array<{ userId: string; version: number }>): Promise<void> {
    await Promise.all(entries.map((e) => this.#dropIndexEntry(e.userId, e.version)));
  }
}
