// Work the router repeated for every request of the same caller: verifying the same access token
// (an RS256 signature check, the most expensive step of a small request) and signing the same
// identity for the subgraphs. Both results are fixed until an expiry they carry, so they are
// cached until then — never longer, and keyed so nothing crosses callers:
//  - a verified token by its full text (signature included: a forged or altered token never
//    matches an entry); failures are not cached. A key removed from the JWKS stops new tokens at
//    once; tokens it verified earlier stay accepted until they expire, as they would by their
//    own claims (access tokens are short-lived).
//  - a signed identity by the caller's exact scope (user, roles, operated venues), reused while
//    more than half of its lifetime is left, so a subgraph always receives one with time to spare.
import { signIdentity, type Viewer } from '@sport-venue/shared';
import type { Authenticate, Authenticated } from './auth.ts';
import { authorisationScope } from './fetch-dedup.ts';

/** Bounded map that forgets the oldest entries first. */
function bounded<V>(max: number) {
  const map = new Map<string, V>();
  return {
    get: (key: string) => map.get(key),
    set(key: string, value: V) {
      map.delete(key);
      map.set(key, value);
      if (map.size > max) map.delete(map.keys().next().value!);
    },
    delete: (key: string) => map.delete(key),
  };
}

export function cachedAuthenticator(
  authenticate: Authenticate,
  { maxEntries = 10_000, now = Date.now } = {},
): Authenticate {
  const verified = bounded<Authenticated>(maxEntries);
  return async (token) => {
    const hit = verified.get(token);
    if (hit) {
      if (hit.expiresAt * 1000 > now()) return hit;
      verified.delete(token); // expired: verify again, which reports it as expired
    }
    const result = await authenticate(token);
    verified.set(token, result);
    return result;
  };
}

/** The identity header lives this long (packages/shared/src/identity.ts signs it for 60 s). */
const IDENTITY_LIFETIME_MS = 60_000;

export function cachedIdentitySigner(secret: string, { maxEntries = 10_000, now = Date.now } = {}) {
  const signed = bounded<{ token: Promise<string>; reuseUntil: number }>(maxEntries);
  return (viewer: Viewer): Promise<string> => {
    const key = authorisationScope(viewer);
    const at = now();
    const hit = signed.get(key);
    if (hit && hit.reuseUntil > at) return hit.token;
    const token = signIdentity(viewer, secret, at);
    signed.set(key, { token, reuseUntil: at + IDENTITY_LIFETIME_MS / 2 });
    token.catch(() => signed.delete(key));
    return token;
  };
}
