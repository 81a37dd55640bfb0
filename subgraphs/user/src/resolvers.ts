import {
  badInput,
  domainError,
  forbidden,
  hasRole,
  notFound,
  requireRole,
  requireViewer,
  shanghaiDate,
  type Logger,
  type Viewer,
} from '@sport-venue/shared';
import type { RedisClient } from '@sport-venue/shared';
import type { Points, Resolvers } from './generated/graphql.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { refreshError, UserErrorCode, weChatLoginError } from './errors.ts';
import {
  createOperator,
  grantVenues,
  parseVenueIds,
  revokeVenues,
  verifyOperatorLogin,
  type PasswordPolicy,
} from './operators.ts';
import { decodeEntryCursor, encodeEntryCursor, pageSize } from './pagination.ts';
import { pointsHistory } from './points-ledger.ts';
import { visibleStreak } from './points-rules.ts';
import { normalizeAvatarUrl, normalizeCityCode, normalizeNickname, type ContentCheck } from './profile.ts';
import { RefreshTokenError, revokeRefreshToken } from './refresh-tokens.ts';
import { continueSession, startSession, type SessionSettings, type SessionTokens } from './sessions.ts';
import { readUserStats } from './stats.ts';
import { parseUserId, updateProfile, upsertWeChatUser, type UserRow } from './user-store.ts';
import { WeChatApiError, type WeChatClient } from './wechat-client.ts';

export interface UserServices {
  db: PrismaClient;
  redis: RedisClient;
  wechat: WeChatClient;
  sessions: SessionSettings;
  /** AES-256-GCM key for stored WeChat session keys. */
  vaultKey: Buffer;
  passwords: PasswordPolicy;
  contentCheck: ContentCheck;
  logger: Logger;
}

/** What User.points hands to Points.history (codegen maps Points to its full GraphQL shape). */
interface PointsParent {
  userId: bigint;
  balance: number;
  lifetimeEarned: number;
}

/** Private fields: the user themself or an admin. */
function requireSelfOrAdmin(viewer: Viewer | null, user: UserRow): void {
  const v = requireViewer(viewer);
  if (v.userId !== user.id.toString() && !hasRole(v, 'ADMIN')) {
    throw forbidden('only the user or an admin may read this field');
  }
}

function requireUserId(id: string, field: string): bigint {
  const key = parseUserId(id);
  if (key === null) throw badInput('not a user id', field);
  return key;
}

const WECHAT_CODE = /^[\x21-\x7e]{1,128}$/;

export function createResolvers(services: UserServices): Resolvers {
  const { db, logger } = services;

  /** `user` is the row the caller already holds; without it the row is read. */
  const payload = async (tokens: SessionTokens, isNewUser = false, known?: UserRow) => {
    const user = known ?? (await db.user.findUniqueOrThrow({ where: { id: tokens.userId } }));
    const { userId: _userId, ...rest } = tokens;
    return { ...rest, user, isNewUser };
  };

  const existingUser = async (id: bigint) => {
    const user = await db.user.findUnique({ where: { id } });
    if (!user) throw notFound('user');
    return user;
  };

  return {
    Query: {
      user: (_root, { id }, ctx) => ctx.users.load(id),
      me: (_root, _args, ctx) => (ctx.viewer ? ctx.users.load(ctx.viewer.userId) : null),
    },

    Mutation: {
      loginWithWeChat: async (_root, { code }) => {
        if (!WECHAT_CODE.test(code)) throw badInput('code must be the code from wx.login()', 'code');
        let session;
        try {
          session = await services.wechat.code2Session(code);
        } catch (err) {
          if (!(err instanceof WeChatApiError)) throw err;
          logger.warn({ errcode: err.errcode, err: err.message }, 'jscode2session failed');
          throw weChatLoginError(err);
        }
        const { user, isNew } = await upsertWeChatUser(db, session, services.vaultKey);
        return payload(await startSession(db, services.sessions, user.id), isNew, user);
      },

      loginWithPassword: async (_root, { login, password }) => {
        const userId = await verifyOperatorLogin(db, login, password, services.passwords);
        return payload(await startSession(db, services.sessions, userId));
      },

      refreshToken: async (_root, { refreshToken }) => {
        try {
          return await payload(await continueSession(db, services.sessions, refreshToken));
        } catch (err) {
          if (!(err instanceof RefreshTokenError)) throw err;
          if (err.failure === 'REUSED') logger.warn('refresh token reused; its family was revoked');
          throw refreshError(err.failure);
        }
      },

      logout: async (_root, { refreshToken }) => {
        await revokeRefreshToken(db, refreshToken);
        return true;
      },

      updateProfile: async (_root, { input }, ctx) => {
        const viewer = requireViewer(ctx.viewer);
        const userId = BigInt(viewer.userId);
        const data: { nickname?: string; avatarUrl?: string; cityCode?: string } = {};
        if (input.nickname != null) data.nickname = normalizeNickname(input.nickname);
        if (input.avatarUrl != null) data.avatarUrl = normalizeAvatarUrl(input.avatarUrl);
        if (input.cityCode != null) data.cityCode = normalizeCityCode(input.cityCode);
        const current = await existingUser(userId);
        if (data.nickname !== undefined && data.nickname !== current.nickname) {
          const verdict = await services.contentCheck(data.nickname, {
            userId: viewer.userId,
            openid: current.openid,
          });
          if (verdict === 'RISKY')
            throw domainError(UserErrorCode.CONTENT_REJECTED, 'nickname was rejected by the content check', {
              field: 'nickname',
            });
          if (verdict === 'REVIEW')
            throw domainError(UserErrorCode.CONTENT_UNDER_REVIEW, 'nickname needs review; try another one', {
              field: 'nickname',
            });
        }
        return Object.keys(data).length ? updateProfile(db, userId, data) : current;
      },

      createOperator: async (_root, { input }, ctx) => {
        const admin = requireRole(ctx.viewer, 'ADMIN');
        return createOperator(
          db,
          { ...input, venueIds: input.venueIds ?? [] },
          BigInt(admin.userId),
          services.passwords,
        );
      },

      grantVenueOperator: async (_root, { userId, venueIds }, ctx) => {
        const admin = requireRole(ctx.viewer, 'ADMIN');
        const target = await existingUser(requireUserId(userId, 'userId'));
        const venues = parseVenueIds(venueIds);
        if (venues.length === 0) throw badInput('venueIds must not be empty', 'venueIds');
        await grantVenues(db, target.id, venues, BigInt(admin.userId));
        return target;
      },

      revokeVenueOperator: async (_root, { userId, venueIds }, ctx) => {
        requireRole(ctx.viewer, 'ADMIN');
        const target = await existingUser(requireUserId(userId, 'userId'));
        await revokeVenues(db, target.id, parseVenueIds(venueIds));
        return target;
      },
    },

    User: {
      __resolveReference: (ref, ctx) => ctx.users.load(ref.id),
      id: (user) => user.id.toString(),
      roles: async (user, _args, ctx) => {
        requireSelfOrAdmin(ctx.viewer, user);
        return (await ctx.viewers.load(user.id)).roles;
      },
      operatedVenues: async (user, _args, ctx) => {
        requireSelfOrAdmin(ctx.viewer, user);
        return (await ctx.viewers.load(user.id)).venueIds.map((id) => ({ id }));
      },
      points: async (user, _args, ctx) => {
        requireSelfOrAdmin(ctx.viewer, user);
        const { balance, lifetimeEarned } = await ctx.pointsSummaries.load(user.id);
        const parent: PointsParent = { userId: user.id, balance, lifetimeEarned };
        return parent as unknown as Points;
      },
      streak: async (user, _args, ctx) => {
        requireSelfOrAdmin(ctx.viewer, user);
        const { streak } = await ctx.pointsSummaries.load(user.id);
        return visibleStreak(streak, shanghaiDate(new Date()));
      },
      stats: async (user, { period, at }, ctx) => {
        requireSelfOrAdmin(ctx.viewer, user);
        const when = at ? new Date(at) : new Date();
        if (Number.isNaN(when.getTime())) throw badInput('at must be an ISO 8601 date-time', 'at');
        const stats = await readUserStats(
          services.redis,
          user.id.toString(),
          period === 'WEEK' ? 'week' : 'month',
          when,
        );
        return { ...stats, period };
      },
    },

    Points: {
      history: async (parent, { first, after }) => {
        const { userId } = parent as unknown as PointsParent;
        const page = await pointsHistory(db, userId, {
          first: pageSize(first),
          beforeId: after ? decodeEntryCursor(after) : null,
        });
        const edges = page.rows.map((row) => ({
          cursor: encodeEntryCursor(row.id),
          node: {
            id: row.id.toString(),
            delta: row.delta,
            kind: row.kind,
            reason: row.reason,
            balanceAfter: row.balanceAfter,
            createdAt: row.createdAt.toISOString(),
          },
        }));
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
        };
      },
    },
  };
}
