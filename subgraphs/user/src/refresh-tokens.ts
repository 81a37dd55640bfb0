// Refresh tokens: opaque, single-use, rotating, stored as SHA-256 (a leaked table cannot be
// replayed). The user id travels in the token so the row is found on the user's shard. A token
// used twice means it was copied: the second use revokes the whole family (every token since the
// login), logging out both the thief and the victim, who then logs in again.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { nextId } from '@sport-venue/shared';
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';
import { inTransaction } from './transactions.ts';

export type RefreshFailure = 'INVALID' | 'EXPIRED' | 'REVOKED' | 'REUSED';

export class RefreshTokenError extends Error {
  readonly failure: RefreshFailure;
  constructor(failure: RefreshFailure) {
    super(`refresh token ${failure.toLowerCase()}`);
    this.failure = failure;
  }
}

export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

const TOKEN = /^([1-9]\d{0,18})\.([\w-]{43})$/;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The user a well-formed token claims to belong to; null for anything else. */
export function refreshTokenUser(token: string): bigint | null {
  const match = TOKEN.exec(token);
  return match ? BigInt(match[1]!) : null;
}

function newToken(userId: bigint): string {
  return `${userId}.${randomBytes(32).toString('base64url')}`;
}

const expiry = (ttlDays: number, now: number) => new Date(now + ttlDays * 86_400_000);

/** A new family: one per login. */
export async function issueRefreshToken(
  db: PrismaClient | Prisma.TransactionClient,
  userId: bigint,
  ttlDays: number,
  familyId: string = randomUUID(),
  now = Date.now(),
): Promise<IssuedRefreshToken> {
  const token = newToken(userId);
  const expiresAt = expiry(ttlDays, now);
  await db.refreshToken.create({
    data: {
      id: nextId(),
      userId,
      familyId,
      tokenHash: hashRefreshToken(token),
      expiresAt,
      createdAt: new Date(now),
    },
  });
  return { token, expiresAt };
}

interface TokenRow {
  id: bigint;
  familyId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

async function lockToken(tx: Prisma.TransactionClient, userId: bigint, token: string) {
  const rows = await tx.$queryRaw<TokenRow[]>`
    SELECT id, familyId, expiresAt, rotatedAt, revokedAt FROM RefreshToken
    WHERE userId = ${userId} AND tokenHash = ${hashRefreshToken(token)} FOR UPDATE`;
  return rows[0] ?? null;
}

async function revokeFamily(tx: Prisma.TransactionClient, userId: bigint, familyId: string, now: Date) {
  await tx.refreshToken.updateMany({
    where: { userId, familyId, revokedAt: null },
    data: { revokedAt: now },
  });
}

/**
 * Exchanges a refresh token for the next one of its family. Throws RefreshTokenError; a REUSED
 * failure has already revoked the family (that write is the point of detecting reuse).
 */
export async function rotateRefreshToken(
  db: PrismaClient,
  token: string,
  ttlDays: number,
  now = Date.now(),
): Promise<{ userId: bigint } & IssuedRefreshToken> {
  const userId = refreshTokenUser(token);
  if (userId === null) throw new RefreshTokenError('INVALID');
  const at = new Date(now);
  type Outcome = { failure: RefreshFailure } | { next: IssuedRefreshToken };
  const outcome = await inTransaction(db, async (tx): Promise<Outcome> => {
    const row = await lockToken(tx, userId, token);
    if (!row) return { failure: 'INVALID' };
    if (row.revokedAt) return { failure: 'REVOKED' };
    if (row.rotatedAt) {
      await revokeFamily(tx, userId, row.familyId, at);
      return { failure: 'REUSED' };
    }
    if (row.expiresAt.getTime() <= now) return { failure: 'EXPIRED' };
    await tx.refreshToken.update({ where: { id: row.id }, data: { rotatedAt: at } });
    return { next: await issueRefreshToken(tx, userId, ttlDays, row.familyId, now) };
  });
  if ('failure' in outcome) throw new RefreshTokenError(outcome.failure);
  return { userId, ...outcome.next };
}

/** Logout: revokes the token's family. Unknown tokens are ignored (logout is idempotent). */
export async function revokeRefreshToken(db: PrismaClient, token: string, now = Date.now()): Promise<void> {
  const userId = refreshTokenUser(token);
  if (userId === null) return;
  await inTransaction(db, async (tx) => {
    const row = await lockToken(tx, userId, token);
    if (row) await revokeFamily(tx, userId, row.familyId, new Date(now));
  });
}
