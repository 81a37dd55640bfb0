// Redis adapter for live presence: runs the atomic check-in/check-out scripts and reads what they
// maintain. Decisions that must be atomic with the state (one session per user, idempotency, rate
// limit, travel speed, the 3-hour counting window) live in the scripts; everything a script needs
// from the database (venue, expiry, heat weight) is computed by the caller first.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@sport-venue/shared';
import { redisKeys, userStatsField } from '@sport-venue/shared';
import type { PresenceRules } from './check-in-rules.ts';
import { DAY_MS } from './clock.ts';
import { LuaScript } from './lua-script.ts';
import { presenceKeys } from './presence-keys.ts';

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
  /** Headcount of the venue right after this change, and its version. */
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

export type RejectionCode =
  'ALREADY_CHECKED_IN' | 'RATE_LIMITED' | 'IMPLAUSIBLE_TRAVEL' | 'NOT_CHECKED_IN' | 'NOT_DUE';

export type PresenceOutcome =
  | { ok: true; change: PresenceChange; replayed: boolean }
  | { ok: false; code: RejectionCode; sessionId?: string; retryAfterMs?: number; distanceM?: number };

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

type RawResult = { ok: boolean; code?: RejectionCode } & Partial<PresenceChange> & {
    replayed?: boolean;
    sessionId?: string;
    retryAfterMs?: number;
    distanceM?: number;
  };

function toOutcome(raw: RawResult, replayed: boolean): PresenceOutcome {
  if (!raw.ok) {
    return {
      ok: false,
      code: raw.code!,
      sessionId: raw.sessionId,
      retryAfterMs: raw.retryAfterMs,
      distanceM: raw.distanceM,
    };
  }
  const change: PresenceChange = { batchId: raw.batchId ?? '', journalAt: raw.journalAt ?? 0 };
  if (raw.opened) change.opened = raw.opened;
  if (raw.closed) change.closed = raw.closed;
  return { ok: true, change, replayed: replayed || raw.replayed === true };
}

export class PresenceStore {
  readonly #redis: RedisClient;
  readonly #rules: PresenceRules;

  constructor(redis: RedisClient, rules: PresenceRules) {
    this.#redis = redis;
    this.#rules = rules;
  }

  #rate(userId: string, now: number) {
    const windowMs = this.#rules.rateWindowMs;
    const window = Math.floor(now / windowMs);
    return {
      key: presenceKeys.rate(userId, window),
      args: [this.#rules.rateLimit, (window + 1) * windowMs - now, windowMs + 60_000],
    };
  }

  /** The stored result of an earlier check-in with this key, if any. */
  async storedCheckIn(userId: string, idempotencyKey: string): Promise<PresenceChange | null> {
    const stored = await this.#redis.get(presenceKeys.idempotency(userId, idempotencyKey));
    if (!stored) return null;
    const outcome = toOutcome(JSON.parse(stored) as RawResult, true);
    return outcome.ok ? outcome.change : null;
  }

  async checkIn(cmd: CheckInCommand): Promise<PresenceOutcome> {
    const now = cmd.now.getTime();
    const rate = this.#rate(cmd.userId, now);
    const sessionId = randomUUID();
    const raw = await checkInScript.run(
      this.#redis,
      [
        presenceKeys.session(cmd.userId),
        presenceKeys.last(cmd.userId),
        redisKeys.venueCurrent(cmd.venueId),
        presenceKeys.venuePresent(cmd.venueId),
        presenceKeys.expiries(),
        presenceKeys.journal(),
        presenceKeys.counted(cmd.userId, cmd.venueId),
        presenceKeys.idempotency(cmd.userId, cmd.idempotencyKey),
        rate.key,
        presenceKeys.heatDay(cmd.venueId, cmd.heatDate),
        redisKeys.venueHeatRank(),
        presenceKeys.heatCity(cmd.cityCode),
        redisKeys.userStats(cmd.userId),
        presenceKeys.venueSeq(cmd.venueId),
      ],
      [
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
        cmd.heatWeight,
        userStatsField('checkins', 'week', cmd.now),
        userStatsField('checkins', 'month', cmd.now),
        userStatsField('minutes', 'week', cmd.now),
        userStatsField('minutes', 'month', cmd.now),
        randomUUID(),
        randomUUID(),
        cmd.source,
        this.#rules.idempotencyTtlMs,
        Date.now(),
        3 * DAY_MS,
      ],
    );
    return toOutcome(JSON.parse(raw.slice(1)) as RawResult, raw.startsWith('R'));
  }

  #checkOut(userId: string, venueId: string, now: Date, mode: 'EXPLICIT' | 'AUTO') {
    const rate = this.#rate(userId, now.getTime());
    return checkOutScript.run(
      this.#redis,
      [
        presenceKeys.session(userId),
        presenceKeys.last(userId),
        presenceKeys.expiries(),
        presenceKeys.journal(),
        redisKeys.userStats(userId),
        rate.key,
      ],
      [
        userId,
        venueId,
        now.getTime(),
        mode,
        randomUUID(),
        userStatsField('minutes', 'week', now),
        userStatsField('minutes', 'month', now),
        ...rate.args,
        this.#rules.checkoutReplayMs,
        Date.now(),
        randomUUID(),
      ],
    );
  }

  async checkOut(userId: string, venueId: string, now: Date): Promise<PresenceOutcome> {
    return toOutcome(JSON.parse(await this.#checkOut(userId, venueId, now, 'EXPLICIT')) as RawResult, false);
  }

  /** Ends the user's session at its expiry if that has passed; NOT_DUE otherwise. */
  async autoCheckOut(userId: string, now: Date): Promise<PresenceOutcome> {
    return toOutcome(JSON.parse(await this.#checkOut(userId, '', now, 'AUTO')) as RawResult, false);
  }

  /** Users whose session expiry has passed, oldest first. */
  dueForAutoCheckOut(now: Date, limit: number): Promise<string[]> {
    return this.#redis.zrangebyscore(presenceKeys.expiries(), '-inf', now.getTime(), 'LIMIT', 0, limit);
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

  /** Journal entries older than the grace period: changes whose database write never finished. */
  async pendingJournal(olderThanWallMs: number, limit = 500): Promise<PresenceChange[]> {
    const out: PresenceChange[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.#redis.hscan(presenceKeys.journal(), cursor, 'COUNT', 200);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) {
        const change = JSON.parse(flat[i]!) as PresenceChange;
        if (change.journalAt < olderThanWallMs) out.push(change);
      }
    } while (cursor !== '0' && out.length < limit);
    return out.slice(0, limit);
  }

  async clearJournal(batchIds: string[]): Promise<void> {
    if (batchIds.length > 0) await this.#redis.hdel(presenceKeys.journal(), ...batchIds);
  }
}
