// Authentication at the edge. Access tokens are RS256 JWTs issued by the user subgraph and
// verified here against its JWKS; subgraphs never see the client's token, only the router-signed
// identity (packages/shared/src/identity.ts), so a request that bypasses the router is anonymous.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { domainError, ErrorCode, ROLES, type Role, type Viewer } from '@sport-venue/shared';

export interface AuthConfig {
  jwksUrl: string;
  cooldownMs?: number;
  issuer: string;
  audience: string;
}

export interface Authenticated {
  viewer: Viewer;
  /** Seconds since epoch at which the token stops being valid (closes WebSocket sessions). */
  expiresAt: number;
}

export class AuthenticationError extends Error {
  readonly reason: 'expired' | 'invalid';
  constructor(reason: 'expired' | 'invalid', message: string) {
    super(message);
    this.reason = reason;
  }
}

export function createAuthenticator(
  config: AuthConfig,
  keys: JWTVerifyGetKey = defaultKeySet(config.jwksUrl, config.cooldownMs),
) {
  return async function authenticate(token: string): Promise<Authenticated> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ['RS256'],
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: 5,
      });
      const roles = Array.isArray(payload.roles)
        ? payload.roles.filter((r): r is Role => ROLES.includes(r as Role))
        : [];
      const venues = Array.isArray(payload.venues) ? payload.venues.map(String) : [];
      if (
        typeof payload.sub !== 'string' ||
        !/^[1-9]\d{0,18}$/.test(payload.sub) ||
        typeof payload.exp !== 'number'
      ) {
        throw new AuthenticationError('invalid', 'access token lacks a valid subject or expiry');
      }
      return { viewer: { userId: payload.sub, roles, venueIds: venues }, expiresAt: payload.exp };
    } catch (err) {
      if (err instanceof AuthenticationError) throw err;
      if (err instanceof joseErrors.JWTExpired)
        throw new AuthenticationError('expired', 'access token expired');
      throw new AuthenticationError('invalid', 'access token is not valid');
    }
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

/**
 * The JWKS is cached; a token signed with an unknown `kid` triggers a refetch (at most every
 * 10 s), which is how a rotated-in key becomes valid without a restart.
 */
function defaultKeySet(jwksUrl: string, cooldownMs = 10_000): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: cooldownMs,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 3_000,
  });
}

/** `Authorization: Bearer <token>` → the token; a malformed header is an error, not anonymity. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(value.trim());
  if (!match) throw new AuthenticationError('invalid', 'Authorization header must be "Bearer <token>"');
  return match[1]!;
}

export function authError(err: AuthenticationError) {
  return domainError(ErrorCode.UNAUTHENTICATED, err.message, { reason: err.reason.toUpperCase() });
}
