import {
  isUniqueViolation,
  mariadbAdapter,
  nextUserId,
  ROLES,
  type Role,
  type Viewer,
} from '@sport-venue/shared';
import { claimLookup, lookupUserId } from './identity-lookup.ts';
import { PrismaClient, type User } from './generated/prisma/client.ts';
import { encryptSessionKey } from './session-key-vault.ts';
import type { WeChatSession } from './wechat-client.ts';

export type UserRow = User;

export function createUserDb(databaseUrl: string, connectionLimit = 10): PrismaClient {
  return new PrismaClient({ adapter: mariadbAdapter(databaseUrl, connectionLimit) });
}

/** Ids are BigInt in MySQL and strings in GraphQL; anything else is simply not a user. */
export function parseUserId(id: string): bigint | null {
  return /^[1-9]\d{0,18}$/.test(id) ? BigInt(id) : null;
}

export async function findUsersByIds(
  db: PrismaClient,
  ids: readonly string[],
): Promise<Array<UserRow | null>> {
  const keys = ids.map(parseUserId).filter((k): k is bigint => k !== null);
  const rows = keys.length ? await db.user.findMany({ where: { id: { in: keys } } }) : [];
  const byId = new Map(rows.map((row) => [row.id.toString(), row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * The user behind a WeChat session, created on first login. Keeps the latest session_key
 * (encrypted) and learns the unionid once WeChat starts sending it.
 *
 * Users are sharded by id and the openid is no shard key, so the openid is claimed first in
 * IdentityLookup (unique there) with a fresh user id; the user row is then written under the
 * claimed id. Two first logins at once claim once and both write the same id: one creates, the
 * other finds the row (primary key) and updates it — one user. A login that died after its claim
 * leaves a claim without a user: the next login creates the user under that id.
 */
export async function upsertWeChatUser(
  db: PrismaClient,
  session: WeChatSession,
  vaultKey: Buffer,
): Promise<{ user: UserRow; isNew: boolean }> {
  const sessionKeyCipher = encryptSessionKey(session.sessionKey, vaultKey);
  const userId =
    (await lookupUserId(db, 'openid', session.openid)) ??
    (await claimLookup(db, 'openid', session.openid, nextUserId()));
  const existing = await db.user.findUnique({ where: { id: userId } });
  const unionid =
    session.unionid && !existing?.unionid ? await claimUnionid(db, session.unionid, userId) : null;
  if (!existing) {
    try {
      const user = await db.user.create({
        data: {
          id: userId,
          openid: session.openid,
          unionid,
          wechatSession: { create: { sessionKeyCipher } },
        },
      });
      return { user, isNew: true };
    } catch (err) {
      // A concurrent first login of the same person created the row under the same claimed id.
      if (!isUniqueViolation(err)) throw err;
    }
  }
  const user = await db.user.update({
    where: { id: userId },
    data: {
      ...(unionid ? { unionid } : {}),
      wechatSession: { upsert: { create: { sessionKeyCipher }, update: { sessionKeyCipher } } },
    },
  });
  return { user, isNew: false };
}

/**
 * A user known by openid, created unless the openid is claimed already (seed data, tests): the
 * same claim-then-write order as a first login, so a later login finds this user.
 */
export async function ensureWeChatUser(
  db: PrismaClient,
  data: { openid: string; nickname?: string | null; cityCode?: string | null; avatarUrl?: string | null },
): Promise<UserRow> {
  const id =
    (await lookupUserId(db, 'openid', data.openid)) ??
    (await claimLookup(db, 'openid', data.openid, nextUserId()));
  return db.user.upsert({ where: { id }, create: { id, ...data }, update: {} });
}

/** The unionid if this user holds (or now claims) it; null when another user holds it. */
async function claimUnionid(db: PrismaClient, unionid: string, userId: bigint): Promise<string | null> {
  return (await claimLookup(db, 'unionid', unionid, userId)) === userId ? unionid : null;
}

/** What the access token says about a user: roles (USER for everyone) and operated venues. */
export async function viewerOf(db: PrismaClient, userId: bigint): Promise<Viewer> {
  const [viewer] = await viewersOf(db, [userId]);
  return viewer!;
}

/** viewerOf for many users with the same two queries (DataLoader batch), in the order of `userIds`. */
export async function viewersOf(db: PrismaClient, userIds: readonly bigint[]): Promise<Viewer[]> {
  const ids = [...userIds];
  const [roles, venues] = await Promise.all([
    db.userRole.findMany({ where: { userId: { in: ids } }, select: { userId: true, role: true } }),
    db.operatorVenue.findMany({
      where: { userId: { in: ids } },
      select: { userId: true, venueId: true },
      orderBy: [{ userId: 'asc' }, { venueId: 'asc' }],
    }),
  ]);
  return ids.map((userId) => {
    const granted = roles
      .filter((r) => r.userId === userId)
      .map((r) => r.role)
      .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    return {
      userId: userId.toString(),
      roles: ROLES.filter((r) => r === 'USER' || granted.includes(r)),
      venueIds: venues.filter((v) => v.userId === userId).map((v) => v.venueId.toString()),
    };
  });
}

export async function updateProfile(
  db: PrismaClient,
  userId: bigint,
  data: { nickname?: string; avatarUrl?: string; cityCode?: string },
): Promise<UserRow> {
  return db.user.update({ where: { id: userId }, data });
}
