// What a batch of ledger inputs does to one user's points: pure, so the rules (daily cap, streaks,
// idempotency, no overdraft) are tested without a database. The ledger adapter loads the state,
// plans, and writes the plan in the same transaction.
import { shanghaiDate } from '@sport-venue/shared';

export const POINTS_KINDS = ['EARN', 'SPEND', 'EXPIRE', 'ADJUST', 'REVERSAL'] as const;
export type PointsKind = (typeof POINTS_KINDS)[number];

export interface StreakBonus {
  days: number;
  points: number;
}

export interface PointsRules {
  perCheckin: number;
  /** Counted check-ins that earn points per user and Asia/Shanghai day. */
  dailyCap: number;
  /** Paid once when a streak reaches exactly `days` consecutive Asia/Shanghai days. */
  streakBonuses: StreakBonus[];
}

/** `3:20,7:50,30:200` → reach 3 days: +20, 7 days: +50, 30 days: +200. Empty disables bonuses. */
export function parseStreakBonuses(value: string): StreakBonus[] {
  if (value.trim() === '') return [];
  const bonuses = value.split(',').map((part) => {
    const match = /^\s*(\d{1,4})\s*:\s*(\d{1,6})\s*$/.exec(part);
    if (!match) throw new Error('must be a comma-separated list of days:points, e.g. 3:20,7:50');
    const bonus = { days: Number(match[1]), points: Number(match[2]) };
    if (bonus.days < 2 || bonus.points < 1) throw new Error('streak days must be >= 2 and points >= 1');
    return bonus;
  });
  if (new Set(bonuses.map((b) => b.days)).size !== bonuses.length)
    throw new Error('each streak length may appear once');
  return bonuses.sort((a, b) => a.days - b.days);
}

/** One thing the ledger is asked to do. */
export type LedgerInput =
  | { type: 'CHECKIN'; eventId: string; at: Date }
  | {
      type: 'COMMAND';
      kind: Exclude<PointsKind, 'EXPIRE'>;
      delta: number;
      reason: string;
      idempotencyKey: string;
    };

export interface StreakState {
  current: number;
  longest: number;
  /** YYYY-MM-DD (Asia/Shanghai) of the latest counted check-in day. */
  lastDay: string | null;
}

export interface AccountState {
  balance: number;
  lifetimeEarned: number;
  streak: StreakState;
}

export interface PlannedEntry {
  delta: number;
  kind: PointsKind;
  reason: string;
  idempotencyKey: string;
  balanceAfter: number;
}

export interface LedgerPlan {
  entries: PlannedEntry[];
  account: AccountState;
  /** Days whose awarded count changed, with the new count. */
  days: Map<string, number>;
  /** Inputs that were refused (nothing written for them), for the logs. */
  refused: Array<{ idempotencyKey: string; reason: string }>;
}

export const checkinKey = (eventId: string) => `checkin:${eventId}`;
export const streakKey = (day: string, days: number) => `streak:${day}:${days}`;

/** Whole days from `from` to `to`, both YYYY-MM-DD. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Streaks move forward only: a counted day right after the last one extends the streak, a later
 * one restarts it, and a late event for an earlier day changes nothing (its points still count).
 */
export function advanceStreak(streak: StreakState, day: string): StreakState {
  if (streak.lastDay !== null && day <= streak.lastDay) return streak;
  const current = streak.lastDay !== null && daysBetween(streak.lastDay, day) === 1 ? streak.current + 1 : 1;
  return { current, longest: Math.max(streak.longest, current), lastDay: day };
}

/** The streak as users see it on `today`: broken once a whole day passes without a check-in. */
export function visibleStreak(streak: StreakState, today: string): StreakState {
  if (streak.lastDay === null || daysBetween(streak.lastDay, today) > 1) return { ...streak, current: 0 };
  return streak;
}

/** Idempotency keys whose existence the planner must know before planning these inputs. */
export function keysToCheck(inputs: LedgerInput[], rules: PointsRules): string[] {
  const keys = new Set<string>();
  for (const input of inputs) {
    if (input.type === 'COMMAND') {
      keys.add(input.idempotencyKey);
      continue;
    }
    keys.add(checkinKey(input.eventId));
    const day = shanghaiDate(input.at);
    for (const bonus of rules.streakBonuses) keys.add(streakKey(day, bonus.days));
  }
  return [...keys];
}

export const checkinDays = (inputs: LedgerInput[]) => [
  ...new Set(inputs.flatMap((i) => (i.type === 'CHECKIN' ? [shanghaiDate(i.at)] : []))),
];

/**
 * Plans the entries for one user's inputs, in order. `existingKeys` are the idempotency keys
 * already in the ledger (a redelivered input is skipped), `dayAwards` the awarded check-ins per
 * day so far. Never lets a SPEND overdraw the balance.
 */
export function planLedger(
  state: AccountState,
  inputs: LedgerInput[],
  rules: PointsRules,
  existingKeys: ReadonlySet<string>,
  dayAwards: ReadonlyMap<string, number>,
): LedgerPlan {
  const seen = new Set(existingKeys);
  const days = new Map<string, number>();
  const entries: PlannedEntry[] = [];
  const refused: LedgerPlan['refused'] = [];
  let { balance, lifetimeEarned, streak } = state;

  const append = (delta: number, kind: PointsKind, reason: string, idempotencyKey: string) => {
    balance += delta;
    if (kind === 'EARN') lifetimeEarned += delta;
    seen.add(idempotencyKey);
    entries.push({ delta, kind, reason, idempotencyKey, balanceAfter: balance });
  };

  for (const input of inputs) {
    if (input.type === 'COMMAND') {
      if (seen.has(input.idempotencyKey)) continue;
      const problem = commandProblem(input, balance);
      if (problem) {
        refused.push({ idempotencyKey: input.idempotencyKey, reason: problem });
        continue;
      }
      append(input.delta, input.kind, input.reason, input.idempotencyKey);
      continue;
    }

    const key = checkinKey(input.eventId);
    if (seen.has(key)) continue;
    const day = shanghaiDate(input.at);
    const awarded = days.get(day) ?? dayAwards.get(day) ?? 0;
    if (awarded >= rules.dailyCap) continue; // capped: nothing to remember, a replay is capped again
    days.set(day, awarded + 1);
    append(rules.perCheckin, 'EARN', 'CHECKIN', key);

    const before = streak;
    streak = advanceStreak(streak, day);
    if (streak === before) continue;
    const bonus = rules.streakBonuses.find((b) => b.days === streak.current);
    if (bonus && !seen.has(streakKey(day, bonus.days))) {
      append(bonus.points, 'EARN', `STREAK_${bonus.days}_DAYS`, streakKey(day, bonus.days));
    }
  }
  return { entries, account: { balance, lifetimeEarned, streak }, days, refused };
}

function commandProblem(input: Extract<LedgerInput, { type: 'COMMAND' }>, balance: number): string | null {
  const { kind, delta } = input;
  if (!Number.isSafeInteger(delta) || delta === 0) return 'delta must be a non-zero integer';
  if (kind === 'EARN' && delta < 0) return 'EARN must be positive';
  if (kind === 'SPEND' && delta > 0) return 'SPEND must be negative';
  if (kind === 'SPEND' && balance + delta < 0) return 'insufficient balance';
  return null;
}
