import { badInput } from '@sport-venue/shared';
import { MINUTE_MS } from '../clock.ts';

export interface PresenceRules {
  /** Fixes reported worse than this are refused (LOCATION_TOO_INACCURATE). */
  maxAccuracyM: number;
  /** At most one counted check-in per (user, venue) in this window. */
  countedWindowMs: number;
  /** Hard cap on a session, whatever the venue's typical stay says. */
  maxStayMin: number;
  /** Implied travel faster than this since the previous check-in is refused. */
  maxSpeedKmh: number;
  /** Distances below this never count as travel (GPS noise, neighbouring venues). */
  travelSlackM: number;
  /** Accepted check-ins and check-outs per user per window. */
  rateLimit: number;
  rateWindowMs: number;
  /** A repeated check-out within this time returns the session it ended. */
  checkoutReplayMs: number;
  /** How long an idempotency key's result is kept. */
  idempotencyTtlMs: number;
  /**
   * How long a change's own request has to finish its work before the journal sweeper does it; a
   * journal-index registration younger than this is never swept as abandoned. On a cluster a user
   * step writes its journal entry only while its registration is younger than half of it.
   */
  journalGraceMs: number;
}

export const defaultPresenceRules: PresenceRules = {
  maxAccuracyM: 100,
  countedWindowMs: 3 * 60 * MINUTE_MS,
  maxStayMin: 240,
  maxSpeedKmh: 120,
  travelSlackM: 1_000,
  rateLimit: 10,
  rateWindowMs: 10 * MINUTE_MS,
  checkoutReplayMs: 5 * MINUTE_MS,
  idempotencyTtlMs: 24 * 60 * MINUTE_MS,
  journalGraceMs: 10_000,
};

/**
 * When a session started at `startedAt` ends by itself: after the venue's typical stay (never
 * longer than the hard cap), or when the venue closes if that comes first.
 */
export function sessionExpiry(
  startedAt: Date,
  typicalStayMin: number,
  maxStayMin: number,
  closesAt: Date | null,
): Date {
  const stay = Math.max(1, Math.min(typicalStayMin, maxStayMin));
  const byStay = startedAt.getTime() + stay * MINUTE_MS;
  return new Date(closesAt && closesAt.getTime() < byStay ? closesAt.getTime() : byStay);
}

const IDEMPOTENCY_KEY = /^[\w.:-]{8,64}$/;

export function assertIdempotencyKey(key: string): void {
  if (!IDEMPOTENCY_KEY.test(key))
    throw badInput('idempotencyKey must be 8–64 letters, digits or . _ : -', 'idempotencyKey');
}

export function assertAccuracy(accuracyM: number): void {
  if (!Number.isFinite(accuracyM) || accuracyM < 0) throw badInput('accuracyM must be >= 0', 'accuracyM');
}
