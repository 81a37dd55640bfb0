// Console accounts: operators and admins log in with username or phone and a password. After
// OPERATOR_MAX_FAILED_LOGINS wrong passwords in a row the account is locked for
// OPERATOR_LOCKOUT_MINUTES; while locked, even the right password is refused. Counting failures
// is the one write a refused login makes.
import { badInput, domainError, isUniqueViolation, nextUserId } from '@sport-venue/shared';
import { claimLookup, lookupUserId, releaseLookups, type LookupKind } from './identity-lookup.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { accountLocked, invalidCredentials, UserErrorCode } from './errors.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import type { UserRow } from './user-store.ts';
import { normalizeNickname } from './profile.ts';

export interface PasswordPolicy {
  scryptLogN: number;
  maxFailures: number;
  lockoutMinutes: number;
}

export function normalizeUsername(input: string): string {
  const username = input.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{2,31}$/.test(username))
    throw badInput('username must be 3–32 letters, digits, ".", "_" or "-"', 'username');
  return username;
}

/** Mainland mobile numbers as 11 digits, anything else in E.164. */
export function normalizePhone(input: string): string {
  const phone = input.replace(/[\s-]/g, '');
  if (/^1\d{10}$/.test(phone)) return `+86${phone}`;
  if (/^\+[1-9]\d{6,14}$/.test(phone)) return phone;
  throw badInput('phone must be an 11-digit mainland mobile number or E.164', 'phone');
}

/** How a login string is looked up: a phone number if it looks like one, else a username. */
export function loginLookup(login: string): { phone: string } | { username: string } | null {
  const trimmed = login.trim();
  if (/^\+?[\d\s-]{7,20}$/.test(trimmed)) {
    try {
      return { phone: normalizePhone(trimmed) };
    } catch {
      return null;
    }
  }
  try {
    return { username: normalizeUsername(trimmed) };
  } catch {
    return null;
  }
}

// Verified against when the login is unknown, so that timing does not reveal which logins exist.
let decoyHash: Promise<string> | undefined;

/** The user id on success; INVALID_CREDENTIALS or ACCOUNT_LOCKED otherwise. */
export async function verifyOperatorLogin(
  db: PrismaClient,
  login: string,
  password: string,
  policy: PasswordPolicy,
  now = Date.now(),
): Promise<bigint> {
  const lookup = loginLookup(login);
  // Users are sharded by id: the login names its user through IdentityLookup (one shard), then
  // the credential is read on the user's shard.
  const userId = lookup
    ? 'phone' in lookup
      ? await lookupUserId(db, 'phone', lookup.phone)
      : await lookupUserId(db, 'username', lookup.username)
    : null;
  const found = userId === null ? null : await db.operatorCredential.findUnique({ where: { userId } });
  // The lookup row is claimed before the credential exists and kept if it is changed: trust the
  // credential only when it still carries the login.
  const credential =
    found && lookup && ('phone' in lookup ? found.phone === lookup.phone : found.username === lookup.username)
      ? found
      : null;
  if (!credential) {
    decoyHash ??= hashPassword('decoy password for unknown logins', policy.scryptLogN);
    await verifyPassword(password, await decoyHash);
    throw invalidCredentials();
  }
  if (credential.lockedUntil && credential.lockedUntil.getTime() > now)
    throw accountLocked(credential.lockedUntil, now);

  const ok = password.length <= 1024 && (await verifyPassword(password, credential.passwordHash));
  const nowDate = new Date(now);
  if (!ok) {
    const lockUntil = new Date(now + policy.lockoutMinutes * 60_000);
    // One statement, so concurrent failures all count. MariaDB assigns left to right: lockedUntil
    // must be computed from the count before it is reset.
    await db.$executeRaw`
      UPDATE OperatorCredential
      SET lockedUntil = IF(failedAttempts + 1 >= ${policy.maxFailures}, ${lockUntil}, lockedUntil),
          failedAttempts = IF(failedAttempts + 1 >= ${policy.maxFailures}, 0, failedAttempts + 1),
          updatedAt = ${nowDate}
      WHERE userId = ${credential.userId}`;
    throw invalidCredentials();
  }
  // A lock set by concurrent failures while this password was being checked still wins.
  const unlocked = await db.$executeRaw`
    UPDATE OperatorCredential SET failedAttempts = 0, lockedUntil = NULL, updatedAt = ${nowDate}
    WHERE userId = ${credential.userId} AND (lockedUntil IS NULL OR lockedUntil <= ${nowDate})`;
  if (unlocked === 0) {
    const fresh = await db.operatorCredential.findUnique({ where: { userId: credential.userId } });
    throw accountLocked(fresh?.lockedUntil ?? nowDate, now);
  }
  return credential.userId;
}

export const parseVenueIds = (ids: readonly string[]) =>
  ids.map((id) => {
    if (!/^[1-9]\d{0,18}$/.test(id))
      throw badInput(`venue id ${JSON.stringify(id)} is not valid`, 'venueIds');
    return BigInt(id);
  });

export async function createOperator(
  db: PrismaClient,
  input: {
    username: string;
    phone?: string | null;
    password: string;
    nickname?: string | null;
    venueIds: string[];
  },
  grantedBy: bigint,
  policy: PasswordPolicy,
): Promise<UserRow> {
  const username = normalizeUsername(input.username);
  const phone = input.phone ? normalizePhone(input.phone) : null;
  const problem = passwordProblem(input.password);
  if (problem) throw badInput(problem, 'password');
  const nickname = input.nickname ? normalizeNickname(input.nickname) : username;
  const venueIds = parseVenueIds(input.venueIds);
  const passwordHash = await hashPassword(input.password, policy.scryptLogN);
  return withClaimedLogins(db, username, phone, (id) =>
    db.user.create({
      data: {
        id,
        nickname,
        credential: { create: { username, phone, passwordHash } },
        ...(venueIds.length
          ? {
              roles: { create: [{ role: 'VENUE_OPERATOR', grantedBy }] },
              venues: { create: venueIds.map((venueId) => ({ venueId, grantedBy })) },
            }
          : {}),
      },
    }),
  );
}

/**
 * Creates a console account under a fresh user id after claiming its username (and phone) in
 * IdentityLookup: usernames and phones are unique across every shard, and a claim is given
 * back if the account is not created after all.
 */
async function withClaimedLogins(
  db: PrismaClient,
  username: string,
  phone: string | null,
  create: (userId: bigint) => Promise<UserRow>,
): Promise<UserRow> {
  const userId = nextUserId();
  const claims: Array<{ kind: LookupKind; value: string }> = [];
  try {
    for (const claim of [
      { kind: 'username' as const, value: username },
      ...(phone ? [{ kind: 'phone' as const, value: phone }] : []),
    ]) {
      if ((await claimLookup(db, claim.kind, claim.value, userId)) !== userId)
        throw domainError(UserErrorCode.ALREADY_EXISTS, 'username or phone already in use');
      claims.push(claim);
    }
    return await create(userId);
  } catch (err) {
    await releaseLookups(db, userId, claims);
    if (isUniqueViolation(err))
      throw domainError(UserErrorCode.ALREADY_EXISTS, 'username or phone already in use');
    throw err;
  }
}

export async function grantVenues(db: PrismaClient, userId: bigint, venueIds: bigint[], grantedBy: bigint) {
  await db.$transaction([
    db.userRole.upsert({
      where: { userId_role: { userId, role: 'VENUE_OPERATOR' } },
      create: { userId, role: 'VENUE_OPERATOR', grantedBy },
      update: {},
    }),
    db.operatorVenue.createMany({
      data: venueIds.map((venueId) => ({ userId, venueId, grantedBy })),
      skipDuplicates: true,
    }),
  ]);
}

export async function revokeVenues(db: PrismaClient, userId: bigint, venueIds: bigint[]) {
  await db.$transaction(async (tx) => {
    await tx.operatorVenue.deleteMany({ where: { userId, venueId: { in: venueIds } } });
    if ((await tx.operatorVenue.count({ where: { userId } })) === 0) {
      await tx.userRole.deleteMany({ where: { userId, role: 'VENUE_OPERATOR' } });
    }
  });
}

/** Bootstrap: the first admin cannot be created through the API (only admins create accounts). */
export async function createAdmin(
  db: PrismaClient,
  input: { username: string; password: string },
  policy: PasswordPolicy,
): Promise<UserRow> {
  const username = normalizeUsername(input.username);
  const problem = passwordProblem(input.password);
  if (problem) throw new Error(problem);
  const passwordHash = await hashPassword(input.password, policy.scryptLogN);
  return withClaimedLogins(db, username, null, (id) =>
    db.user.create({
      data: {
        id,
        nickname: username,
        credential: { create: { username, passwordHash } },
        roles: { create: [{ role: 'ADMIN' }] },
      },
    }),
  );
}
