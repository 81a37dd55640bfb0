// Quiet alerts in MariaDB. Every state change is one conditional UPDATE, so concurrent handlers
// (several events, several replicas) agree on who sends: the one whose claim changed the row.
import { domainError, nextId, type OccupancyLevelName } from '@sport-venue/shared';
import type { PrismaClient, QuietAlert } from './generated/prisma/client.ts';
import { UserErrorCode } from './errors.ts';
import { MAX_PENDING_PER_USER, maxLevelsFiredBy, type QuietAlertRequest } from './quiet-alert-rules.ts';
import { inTransaction } from './transactions.ts';

export type QuietAlertRow = QuietAlert;

/** Stores a request; the user row lock makes the per-user cap hold under concurrent requests. */
export async function createQuietAlert(
  db: PrismaClient,
  userId: bigint,
  request: QuietAlertRequest,
  templateId: string,
  now: Date,
): Promise<QuietAlertRow> {
  return inTransaction(db, async (tx) => {
    await tx.$queryRaw`SELECT id FROM \`User\` WHERE id = ${userId} FOR UPDATE`;
    const waiting = await tx.quietAlert.count({
      where: { userId, status: { in: ['PENDING', 'SENDING'] }, windowEnd: { gt: now } },
    });
    if (waiting >= MAX_PENDING_PER_USER) {
      throw domainError(
        UserErrorCode.TOO_MANY_QUIET_ALERTS,
        `at most ${MAX_PENDING_PER_USER} quiet alerts may wait at once`,
      );
    }
    return tx.quietAlert.create({ data: { id: nextId(), userId, templateId, ...request } });
  });
}

export async function listQuietAlerts(
  db: PrismaClient,
  userId: bigint,
  activeOnly: boolean,
  now: Date,
): Promise<QuietAlertRow[]> {
  return db.quietAlert.findMany({
    where: activeOnly
      ? { userId, status: { in: ['PENDING', 'SENDING'] }, windowEnd: { gt: now } }
      : { userId },
    orderBy: { id: 'desc' },
    take: 50,
  });
}

/** Cancels a waiting alert of this user; returns the row as it is afterwards (null: not theirs). */
export async function cancelQuietAlert(
  db: PrismaClient,
  userId: bigint,
  id: bigint,
): Promise<QuietAlertRow | null> {
  await db.quietAlert.updateMany({ where: { id, userId, status: 'PENDING' }, data: { status: 'CANCELLED' } });
  return db.quietAlert.findFirst({ where: { id, userId } });
}

/** Alerts of a venue now at `level` that may fire: waiting, in their window, maxLevel satisfied. */
export async function dueQuietAlerts(
  db: PrismaClient,
  venueId: string,
  level: OccupancyLevelName,
  now: Date,
  leaseMs: number,
): Promise<Array<{ id: bigint }>> {
  const levels = maxLevelsFiredBy(level);
  if (!levels.length) return [];
  return db.quietAlert.findMany({
    where: {
      venueId,
      maxLevel: { in: levels },
      windowStart: { lte: now },
      windowEnd: { gt: now },
      OR: [
        { status: 'PENDING' },
        { status: 'SENDING', claimedAt: { lt: new Date(now.getTime() - leaseMs) } },
      ],
    },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: 500,
  });
}

/**
 * Takes the right to send: PENDING → SENDING, or a SENDING whose claimer has been silent for the
 * lease (crashed). True for exactly one of any number of concurrent claimers.
 */
export async function claimQuietAlert(
  db: PrismaClient,
  id: bigint,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const stale = new Date(now.getTime() - leaseMs);
  const claimed = await db.$executeRaw`
    UPDATE QuietAlert SET status = 'SENDING', claimedAt = ${now}, attempts = attempts + 1
    WHERE id = ${id} AND windowEnd > ${now}
      AND (status = 'PENDING' OR (status = 'SENDING' AND claimedAt < ${stale}))`;
  return claimed === 1;
}

/** The claimed row with the recipient's openid (null when the user has none: console accounts). */
export async function claimedAlertWithOpenid(db: PrismaClient, id: bigint) {
  return db.quietAlert.findUnique({ where: { id }, include: { user: { select: { openid: true } } } });
}

export async function markQuietAlertSent(db: PrismaClient, id: bigint, level: OccupancyLevelName, at: Date) {
  await db.quietAlert.updateMany({
    where: { id, status: 'SENDING' },
    data: { status: 'SENT', sentAt: at, sentLevel: level, lastErrcode: null },
  });
}

export async function markQuietAlertFailed(db: PrismaClient, id: bigint, errcode: number) {
  await db.quietAlert.updateMany({
    where: { id, status: 'SENDING' },
    data: { status: 'FAILED', lastErrcode: errcode },
  });
}

/** Gives a claim back after a transient failure: the next quiet moment in the window retries. */
export async function releaseQuietAlert(db: PrismaClient, id: bigint, errcode: number) {
  await db.quietAlert.updateMany({
    where: { id, status: 'SENDING' },
    data: { status: 'PENDING', claimedAt: null, lastErrcode: errcode },
  });
}

/** Ends waiting alerts whose window is over (and stale claims, whose outcome is unknown). */
export async function expireQuietAlerts(db: PrismaClient, now: Date, leaseMs: number): Promise<number> {
  const stale = new Date(now.getTime() - leaseMs);
  return db.$executeRaw`
    UPDATE QuietAlert SET status = 'EXPIRED'
    WHERE windowEnd <= ${now} AND (status = 'PENDING' OR (status = 'SENDING' AND claimedAt < ${stale}))`;
}
