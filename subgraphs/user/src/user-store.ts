import { isUniqueViolation, mariadbAdapter, ROLES, type Role, type Viewer } from '@sport-venue/shared';
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
 */
export async function upsertWeChatUser(
  db: PrismaClient,
  session: WeChatSession,
  vaultKey: Buffer,
): Promise<{ user: UserRow; isNew: boolean }> {
  const sessionKeyCipher = encryptSessionKey(session.sessionKey, vaultKey);
  for (let attempt = 0; ; attempt++) {
    const existing = await db.user.findUnique({ where: { openid: session.openid } });
    try {
      if (existing) {
        const user = await db.user.update({
          where: { id: existing.id },
          data: {
            ...(session.unionid && !existing.unionid ? { unionid: session.unionid } : {}),
            wechatSession: { upsert: { create: { sessionKeyCipher }, update: { sessionKeyCipher } } },
          },
        });
        return { user, isNew: false };
      }
      const user = await db.user.create({
        data: {
          openid: session.openid,
          unionid: session.unionid,
          wechatSession: { create: { sessionKeyCipher } },
        },
      });
      return { user, isNew: true };
    } catch (err) {
      // Two first logins of the same person raced: the other one created the row.
      if (attempt === 0 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
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
