// Global uniqueness and lookup of values that do not carry the user id (openid, unionid,
// username, phone): IdentityLookup rows placed by a hash of the value (docs/decisions/0021). The
// shard holding a value's bucket decides who claims it, so a value belongs to one user however
// many shards the users are spread over.
import { isUniqueViolation, lookupBucket } from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';

export type LookupKind = 'openid' | 'unionid' | 'username' | 'phone';
type LookupDb = Pick<PrismaClient, 'identityLookup'>;

const where = (kind: LookupKind, value: string) => {
  const lookupKey = `${kind}:${value}`;
  return { bucket_lookupKey: { bucket: lookupBucket(lookupKey), lookupKey } };
};

/** The user a value belongs to, or null. One point read on one shard. */
export async function lookupUserId(db: LookupDb, kind: LookupKind, value: string): Promise<bigint | null> {
  const row = await db.identityLookup.findUnique({ where: where(kind, value), select: { userId: true } });
  return row?.userId ?? null;
}

/**
 * Claims a value for `userId` unless someone holds it already; returns the holder (`userId` when
 * the claim won). Two concurrent claims of one value meet on one shard's primary key: exactly one
 * insert succeeds, the other reads the winner.
 */
export async function claimLookup(
  db: LookupDb,
  kind: LookupKind,
  value: string,
  userId: bigint,
): Promise<bigint> {
  const key = where(kind, value).bucket_lookupKey;
  for (;;) {
    try {
      await db.identityLookup.create({ data: { ...key, userId } });
      return userId;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const holder = await lookupUserId(db, kind, value);
    if (holder !== null) return holder; // else released meanwhile: claim again
  }
}

/** Gives up claims of `userId` (a creation that failed after claiming). */
export async function releaseLookups(
  db: LookupDb,
  userId: bigint,
  claims: ReadonlyArray<{ kind: LookupKind; value: string }>,
): Promise<void> {
  for (const { kind, value } of claims) {
    const key = where(kind, value).bucket_lookupKey;
    await db.identityLookup.deleteMany({ where: { ...key, userId } });
  }
}
