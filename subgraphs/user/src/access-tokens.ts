// Access tokens: short-lived RS256 JWTs the router verifies against our JWKS. Claims are the
// contract with the router (subgraphs/user/README.md): sub, roles, venues, iss, aud, iat, exp, jti.
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Viewer } from '@sport-venue/shared';
import type { SigningKey } from './signing-keys.ts';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

/** Signs with the first key; the others stay published so tokens they signed remain valid. */
export async function issueAccessToken(
  keys: SigningKey[],
  settings: AccessTokenSettings,
  viewer: Viewer,
  now = Date.now(),
): Promise<IssuedAccessToken> {
  const key = keys[0];
  if (!key) throw new Error('no signing key');
  const iat = Math.floor(now / 1000);
  const exp = iat + settings.ttlSeconds;
  const token = await new SignJWT({ roles: viewer.roles, venues: viewer.venueIds })
    // RFC 9068 type: an access token cannot be mistaken for any other JWT.
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
    .setSubject(viewer.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresAt: new Date(exp * 1000) };
}
