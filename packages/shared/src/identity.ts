// Who is calling, as the router tells the subgraphs. The router authenticates the client's access
// token (RS256, issued by the user subgraph) and forwards the caller as a short-lived HS256 token
// in `x-sv-identity`, signed with INTERNAL_IDENTITY_SECRET, which only the router and the subgraphs
// know. A request without a valid header — for example one that reaches a subgraph directly — is
// anonymous. Authorisation itself stays in the subgraph that owns the data.
import { SignJWT, jwtVerify } from 'jose';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

export const IDENTITY_HEADER = 'x-sv-identity';
export const ROLES = ['USER', 'VENUE_OPERATOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface Viewer {
  userId: string;
  roles: Role[];
  /** Venues this person operates (VENUE_OPERATOR); empty otherwise. */
  venueIds: string[];
}

const AUDIENCE = 'sport-venue-subgraphs';
const ISSUER = 'sport-venue-router';
const LIFETIME_SECONDS = 60;

const claims = z.object({
  sub: z.string().regex(/^[1-9]\d{0,18}$/),
  roles: z.array(z.enum(ROLES)),
  venues: z.array(z.string()).default([]),
});

/** Development-only fallback; production refuses to start without a real secret (see config). */
export const DEV_IDENTITY_SECRET = 'dev-only-identity-secret-change-me-0123456789';

export const identitySecret = z
  .string()
  .min(32, 'must be at least 32 characters')
  .default(DEV_IDENTITY_SECRET);

/** zod superRefine for configs holding INTERNAL_IDENTITY_SECRET: the dev default never runs in production. */
export function rejectDevSecretInProduction(
  config: { NODE_ENV: string; INTERNAL_IDENTITY_SECRET: string },
  ctx: z.RefinementCtx,
) {
  if (config.NODE_ENV === 'production' && config.INTERNAL_IDENTITY_SECRET === DEV_IDENTITY_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['INTERNAL_IDENTITY_SECRET'],
      message: 'is required in production',
    });
  }
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signIdentity(viewer: Viewer, secret: string, now = Date.now()): Promise<string> {
  return new SignJWT({ roles: viewer.roles, venues: viewer.venueIds })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(viewer.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + LIFETIME_SECONDS)
    .sign(key(secret));
}

/** The verified caller, or null (anonymous) when the header is absent, forged or expired. */
export async function verifyIdentity(token: string | undefined, secret: string): Promise<Viewer | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    const parsed = claims.parse(payload);
    return { userId: parsed.sub, roles: parsed.roles, venueIds: parsed.venues };
  } catch {
    return null;
  }
}

export function identityFromRequest(req: IncomingMessage, secret: string): Promise<Viewer | null> {
  const header = req.headers[IDENTITY_HEADER];
  return verifyIdentity(Array.isArray(header) ? header[0] : header, secret);
}
