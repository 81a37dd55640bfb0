import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, jwtVerify } from 'jose';
import { signIdentity, verifyIdentity, type Viewer } from '../src/identity.ts';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const viewer: Viewer = { userId: '42', roles: ['USER', 'VENUE_OPERATOR'], venueIds: ['7'] };
const key = new TextEncoder().encode(SECRET);

/** Replaces one part of a compact JWS. */
const withPart = (token: string, index: number, part: string) =>
  token
    .split('.')
    .map((p, i) => (i === index ? part : p))
    .join('.');
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('identity header', () => {
  it('a signed identity verifies as the same viewer', async () => {
    assert.deepEqual(await verifyIdentity(await signIdentity(viewer, SECRET), SECRET), viewer);
  });

  it('is a standard HS256 JWT: jose verifies ours and we verify jose’s', async () => {
    const { payload } = await jwtVerify(await signIdentity(viewer, SECRET), key, {
      algorithms: ['HS256'],
      audience: 'sport-venue-subgraphs',
      issuer: 'sport-venue-router',
    });
    assert.equal(payload.sub, '42');
    const theirs = await new SignJWT({ roles: viewer.roles, venues: viewer.venueIds })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('42')
      .setIssuer('sport-venue-router')
      .setAudience('sport-venue-subgraphs')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key);
    assert.deepEqual(await verifyIdentity(theirs, SECRET), viewer);
  });

  it('another secret, an altered payload or a cut signature is anonymous', async () => {
    const token = await signIdentity(viewer, SECRET);
    assert.equal(await verifyIdentity(token, `${SECRET}-other`), null);
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(
      await verifyIdentity(withPart(token, 1, encode({ ...claims, roles: ['ADMIN'] })), SECRET),
      null,
    );
    assert.equal(await verifyIdentity(withPart(token, 2, token.split('.')[2]!.slice(0, 20)), SECRET), null);
    assert.equal(await verifyIdentity(`${token}.x`, SECRET), null);
    assert.equal(await verifyIdentity('not a token', SECRET), null);
  });

  it('an unsigned token (alg none) or one with other header parameters is anonymous', async () => {
    const token = await signIdentity(viewer, SECRET);
    assert.equal(
      await verifyIdentity(withPart(withPart(token, 0, encode({ alg: 'none' })), 2, ''), SECRET),
      null,
    );
    const critical = withPart(token, 0, encode({ alg: 'HS256', crit: ['b64'], b64: false }));
    assert.equal(await verifyIdentity(critical, SECRET), null);
  });

  it('an expired identity, or one for another audience, is anonymous', async () => {
    const minuteAgo = Date.now() - 61_000;
    assert.equal(await verifyIdentity(await signIdentity(viewer, SECRET, minuteAgo), SECRET), null);
    const other = await new SignJWT({ roles: viewer.roles, venues: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('42')
      .setIssuer('sport-venue-router')
      .setAudience('another-service')
      .setExpirationTime('60s')
      .sign(key);
    assert.equal(await verifyIdentity(other, SECRET), null);
  });

  it('lives 60 s unless its signer gives it a longer lifetime, and never past that', async () => {
    const signedAt = Date.now() - 61_000;
    const long = await signIdentity(viewer, SECRET, signedAt, 600);
    assert.deepEqual(await verifyIdentity(long, SECRET), viewer);
    assert.equal(await verifyIdentity(long, SECRET, signedAt + 600_000), null);
    assert.equal(await verifyIdentity(await signIdentity(viewer, SECRET, signedAt), SECRET), null);
  });
});
