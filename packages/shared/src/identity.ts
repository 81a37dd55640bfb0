// Who is calling, as the router tells the subgraphs. The router authenticates the client's access
// token (RS256, issued by the user subgraph) and forwards the caller as a short-lived HS256 token
// in `x-sv-identity`, signed with INTERNAL_IDENTITY_SECRET, which only the router and the subgraphs
// know. A request without a valid header — for example one that reaches a subgraph directly — is
// anonymous. Authorisation itself stays in the subgraph that owns the data.
//
// Signed and verified here with node:crypto's HMAC, synchronously: jose (v6) runs every HS256
// operation as a WebCrypto job on the thread pool, which cost 5–7 % of the router's and the venue
// subgraph's CPU per check-in (bench checkin, --cpu-prof) for a 60-byte HMAC. The tokens are
// ordinary compact JWS (RFC 7515/7519), interchangeable with jose's (identity.test.ts checks both
// ways).
import { createHmac, timingSafeEqual } from 'node:crypto';
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

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

const hmac = (secret: string, input: string) => createHmac('sha256', secret).update(input).digest();

/**
 * The router signs for LIFETIME_SECONDS (60 s): it sends the header at once, with a fetch deadline
 * well inside that. A caller standing in for the router without such a deadline (a test that
 * waits as long as a starved subgraph takes to read its requests) gives a lifetime that covers
 * its own patience.
 */
export async function signIdentity(
  viewer: Viewer,
  secret: string,
  now = Date.now(),
  lifetimeSeconds = LIFETIME_SECONDS,
): Promise<string> {
  const iat = Math.floor(now / 1000);
  const payload = Buffer.from(
    JSON.stringify({
      roles: viewer.roles,
      venues: viewer.venueIds,
      sub: viewer.userId,
      iss: ISSUER,
      aud: AUDIENCE,
      iat,
      exp: iat + lifetimeSeconds,
    }),
  ).toString('base64url');
  const input = `${HEADER}.${payload}`;
  return `${input}.${hmac(secret, input).toString('base64url')}`;
}

const registered = z.object({
  iss: z.literal(ISSUER),
  aud: z.union([z.literal(AUDIENCE), z.array(z.string()).refine((a) => a.includes(AUDIENCE))]),
  exp: z.number(),
  nbf: z.number().optional(),
});

/** The verified caller, or null (anonymous) when the header is absent, forged or expired. */
export async function verifyIdentity(
  token: string | undefined,
  secret: string,
  now = Date.now(),
): Promise<Viewer | null> {
  return verified(token, secret, now)?.viewer ?? null;
}

interface Verified {
  viewer: Viewer;
  /** Seconds since the epoch, from the claims. */
  exp: number;
  nbf: number | undefined;
}

/** The full check: signature, header, registered claims and time. */
function verified(token: string | undefined, secret: string, now: number): Verified | null {
  if (!token) return null;
  try {
    const [header, payload, signature, extra] = token.split('.');
    if (!header || !payload || signature === undefined || extra !== undefined) return null;
    // Only HS256, and no header parameter (crit, b64 …) that would change what the signature means.
    const protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const names = Object.keys(protectedHeader);
    if (protectedHeader.alg !== 'HS256' || names.some((n) => n !== 'alg' && n !== 'typ')) return null;
    const expected = hmac(secret, `${header}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown;
    const time = registered.parse(body);
    if (!current(time, now)) return null;
    const parsed = claims.parse(body);
    return {
      viewer: { userId: parsed.sub, roles: parsed.roles, venueIds: parsed.venues },
      exp: time.exp,
      nbf: time.nbf,
    };
  } catch {
    return null;
  }
}

function current(time: { exp: number; nbf?: number | undefined }, now: number) {
  const seconds = Math.floor(now / 1000);
  return time.exp > seconds && (time.nbf === undefined || time.nbf <= seconds);
}

/**
 * Verifies identity headers and remembers the ones that verified until they expire. The router
 * sends one header per caller for half its lifetime (router/src/token-cache.ts), so a subgraph
 * sees the same header for every request of a caller for 30 s; each was an HMAC, a JSON parse of
 * header and claims and two zod parses (~6 % of the venue subgraph's busy CPU).
 *
 * Keyed by the header's exact text, signature included: a header differing in one character is a
 * miss and is verified in full, so nothing unsigned can match an entry. Each hit checks the
 * remembered expiry (and not-before) against the clock again; an expired entry is dropped.
 * Headers that fail are not remembered (a forger pays an HMAC per attempt, as before). Bounded:
 * past `maxEntries`, the least recently used is forgotten. Each answer is the caller's own copy
 * of the viewer, so a request that changes it cannot change another's.
 */
export function createIdentityVerifier(
  secret: string,
  { maxEntries = 10_000, now = Date.now }: { maxEntries?: number; now?: () => number } = {},
) {
  const remembered = new Map<string, Verified>();
  const stats = { verifications: 0, hits: 0 };
  const copy = ({ viewer }: Verified): Viewer => ({
    userId: viewer.userId,
    roles: [...viewer.roles],
    venueIds: [...viewer.venueIds],
  });
  return {
    stats,
    verify(token: string | undefined): Viewer | null {
      if (!token) return null;
      const at = now();
      const hit = remembered.get(token);
      if (hit) {
        remembered.delete(token);
        if (!current(hit, at)) return null; // expired (or not yet valid): forgotten, verified afresh next time
        remembered.set(token, hit); // most recently used last
        stats.hits += 1;
        return copy(hit);
      }
      stats.verifications += 1;
      const result = verified(token, secret, at);
      if (!result) return null;
      remembered.set(token, result);
      if (remembered.size > maxEntries) remembered.delete(remembered.keys().next().value!);
      return copy(result);
    },
  };
}

// One verifier per secret (a process has one; tests use several).
const verifiers = new Map<string, ReturnType<typeof createIdentityVerifier>>();

export function identityFromRequest(req: IncomingMessage, secret: string): Promise<Viewer | null> {
  const header = req.headers[IDENTITY_HEADER];
  let verifier = verifiers.get(secret);
  if (!verifier) verifiers.set(secret, (verifier = createIdentityVerifier(secret)));
  return Promise.resolve(verifier.verify(Array.isArray(header) ? header[0] : header));
}
