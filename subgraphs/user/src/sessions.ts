// A session = an access token (what the router checks on every request) plus a refresh token
// (how the client gets the next access token). Claims are read fresh from the database at login
// and at every refresh, so role and venue changes reach the router within one access-token TTL.
import type { PrismaClient } from './generated/prisma/client.ts';
import { issueAccessToken, type AccessTokenSettings } from './access-tokens.ts';
import { issueRefreshToken, rotateRefreshToken, type IssuedRefreshToken } from './refresh-tokens.ts';
import type { SigningKey } from './signing-keys.ts';
import { viewerOf } from './user-store.ts';

export interface SessionSettings extends AccessTokenSettings {
  keys: SigningKey[];
  refreshTtlDays: number;
}

export interface SessionTokens {
  userId: bigint;
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  tokenType: 'Bearer';
}

async function tokensFor(
  db: PrismaClient,
  settings: SessionSettings,
  userId: bigint,
  refresh: IssuedRefreshToken,
): Promise<SessionTokens> {
  const access = await issueAccessToken(settings.keys, settings, await viewerOf(db, userId));
  return {
    userId,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: refresh.token,
    refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
    tokenType: 'Bearer',
  };
}

export async function startSession(db: PrismaClient, settings: SessionSettings, userId: bigint) {
  return tokensFor(db, settings, userId, await issueRefreshToken(db, userId, settings.refreshTtlDays));
}

/** Throws RefreshTokenError when the token cannot be exchanged. */
export async function continueSession(db: PrismaClient, settings: SessionSettings, refreshToken: string) {
  const next = await rotateRefreshToken(db, refreshToken, settings.refreshTtlDays);
  return tokensFor(db, settings, next.userId, next);
}
