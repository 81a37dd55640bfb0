import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, jwtVerify } from 'jose';
import type { IncomingMessage } from 'node:http';
import {
  createIdentityVerifier,
  IDENTITY_HEADER,
  identityFromRequest,
  signIdentity,
  verifyIdentity,
  type Viewer,
} from '../src/identity.ts';

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

describe('verified identity headers remembered until they expire', () => {
  it('verifies a header once, then answers from memory while it is valid', async () => {
    const verifier = createIdentityVerifier(SECRET);
    const token = await signIdentity(viewer, SECRET);
    for (let i = 0; i < 5; i++) assert.deepEqual(verifier.verify(token), viewer);
    assert.equal(verifier.stats.verifications, 1);
    assert.equal(verifier.stats.hits, 4);
  });

  it('a remembered header is anonymous once it expires, and is forgotten', async () => {
    let now = Date.now();
    const verifier = createIdentityVerifier(SECRET, { now: () => now });
    const token = await signIdentity(viewer, SECRET, now);
    assert.deepEqual(verifier.verify(token), viewer);
    now += 59_000;
    assert.deepEqual(verifier.verify(token), viewer);
    now += 2_000; // past its 60 s
    assert.equal(verifier.verify(token), null);
    assert.equal(verifier.verify(token), null);
    // The expired entry was dropped: the second look verified the header in full again (and refused it).
    assert.equal(verifier.stats.verifications, 2);
  });

  it('a header differing from a remembered one in any part is verified in full and refused if forged', async () => {
    const verifier = createIdentityVerifier(SECRET);
    const token = await signIdentity(viewer, SECRET);
    assert.deepEqual(verifier.verify(token), viewer);
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(verifier.verify(withPart(token, 1, encode({ ...claims, roles: ['ADMIN'] }))), null);
    const signature = token.split('.')[2]!;
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    assert.equal(verifier.verify(withPart(token, 2, flipped)), null);
    assert.equal(verifier.verify(`${token}.x`), null);
    assert.equal(verifier.stats.verifications, 4);
  });

  it('refused headers are not remembered: each attempt is verified', async () => {
    const verifier = createIdentityVerifier(SECRET);
    const forged = await signIdentity(viewer, `${SECRET}-other`);
    for (let i = 0; i < 3; i++) assert.equal(verifier.verify(forged), null);
    assert.equal(verifier.stats.verifications, 3);
    assert.equal(verifier.stats.hits, 0);
  });

  it('keeps at most maxEntries headers, forgetting the least recently used', async () => {
    const verifier = createIdentityVerifier(SECRET, { maxEntries: 2 });
    const [a, b, c] = await Promise.all(
      ['1', '2', '3'].map((userId) => signIdentity({ ...viewer, userId }, SECRET)),
    );
    verifier.verify(a);
    verifier.verify(b);
    verifier.verify(a); // a is now the most recently used
    verifier.verify(c); // forgets b
    assert.equal(verifier.stats.verifications, 3);
    assert.equal(verifier.verify(a)?.userId, '1');
    assert.equal(verifier.stats.verifications, 3);
    assert.equal(verifier.verify(b)?.userId, '2');
    assert.equal(verifier.stats.verifications, 4);
  });

  it('each answer is its own copy: changing one request’s viewer does not change the next', async () => {
    const verifier = createIdentityVerifier(SECRET);
    const token = await signIdentity(viewer, SECRET);
    const first = verifier.verify(token)!;
    first.roles.push('ADMIN');
    first.venueIds.length = 0;
    first.userId = '1';
    assert.deepEqual(verifier.verify(token), viewer);
  });

  it('a verifier keyed by another secret does not accept a header another verifier remembered', async () => {
    const token = await signIdentity(viewer, SECRET);
    assert.deepEqual(createIdentityVerifier(SECRET).verify(token), viewer);
    assert.equal(createIdentityVerifier(`${SECRET}-other`).verify(token), null);
  });

  it('identityFromRequest remembers per secret: the same header under another secret is anonymous', async () => {
    const token = await signIdentity(viewer, SECRET);
    const req = { headers: { [IDENTITY_HEADER]: token } } as unknown as IncomingMessage;
    assert.deepEqual(await identityFromRequest(req, SECRET), viewer);
    assert.equal(await identityFromRequest(req, `${SECRET}-other`), null);
    assert.deepEqual(await identityFromRequest(req, SECRET), viewer);
  });
});
