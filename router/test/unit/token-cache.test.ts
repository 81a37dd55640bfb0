import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { DEV_IDENTITY_SECRET, verifyIdentity, type Viewer } from '@sport-venue/shared';
import { AuthenticationError, createAuthenticator, type Authenticate } from '../../src/auth.ts';
import { cachedAuthenticator, cachedIdentitySigner } from '../../src/token-cache.ts';

const { privateKey, publicKey } = await generateKeyPair('RS256');
const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
const config = { jwksUrl: 'http://127.0.0.1:1/jwks', issuer: 'sport-venue-user', audience: 'sport-venue' };

const token = (sub: string, expiresAtSeconds: number) =>
  new SignJWT({ roles: ['USER'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(sub)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(expiresAtSeconds)
    .sign(privateKey);

/** The real authenticator, counting how often it really verifies. */
function counting() {
  const real = createAuthenticator(config, keys);
  const counter = { calls: 0 };
  const authenticate: Authenticate = (t) => {
    counter.calls += 1;
    return real(t);
  };
  return { authenticate, counter };
}

describe('verified tokens cached until they expire', () => {
  it('verifies a token once, then answers from the cache until its expiry', async () => {
    const { authenticate, counter } = counting();
    let now = Date.now();
    const cached = cachedAuthenticator(authenticate, { now: () => now });
    const exp = Math.floor(now / 1000) + 120;
    const t = await token('42', exp);
    for (let i = 0; i < 5; i++) assert.equal((await cached(t)).viewer.userId, '42');
    assert.equal(counter.calls, 1);
    now = exp * 1000 + 1; // past its expiry: verified again (and refused by the verifier's clock once really expired)
    await cached(t).catch(() => undefined);
    assert.equal(counter.calls, 2);
  });

  it('a token altered after a valid one was cached is still refused', async () => {
    const { authenticate } = counting();
    const cached = cachedAuthenticator(authenticate);
    const t = await token('42', Math.floor(Date.now() / 1000) + 120);
    await cached(t);
    const [header, payload] = t.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await assert.rejects(cached(forged), AuthenticationError);
    const otherSubject = await token('43', Math.floor(Date.now() / 1000) + 120);
    assert.equal((await cached(otherSubject)).viewer.userId, '43');
  });

  it('failures are not cached: each attempt is verified', async () => {
    const { authenticate, counter } = counting();
    const cached = cachedAuthenticator(authenticate);
    for (let i = 0; i < 3; i++) await assert.rejects(cached('a.b.c'), AuthenticationError);
    assert.equal(counter.calls, 3);
  });
});

describe('signed identities reused per caller scope', () => {
  const alice: Viewer = { userId: '1', roles: ['USER'], venueIds: [] };
  const bob: Viewer = { userId: '2', roles: ['USER'], venueIds: [] };

  it('the same scope reuses one signature for half its lifetime, then signs afresh', async () => {
    let now = Date.now();
    const sign = cachedIdentitySigner(DEV_IDENTITY_SECRET, { now: () => now });
    const first = await sign(alice);
    assert.equal(await sign({ ...alice }), first);
    now += 29_000;
    assert.equal(await sign(alice), first);
    now += 2_000;
    assert.notEqual(await sign(alice), first);
  });

  it('different users, or the same user with other roles, never share an identity', async () => {
    const sign = cachedIdentitySigner(DEV_IDENTITY_SECRET);
    const [a, b, admin] = await Promise.all([
      sign(alice),
      sign(bob),
      sign({ ...alice, roles: ['USER', 'ADMIN'] }),
    ]);
    assert.equal((await verifyIdentity(a, DEV_IDENTITY_SECRET))?.userId, '1');
    assert.equal((await verifyIdentity(b, DEV_IDENTITY_SECRET))?.userId, '2');
    assert.deepEqual((await verifyIdentity(admin, DEV_IDENTITY_SECRET))?.roles, ['USER', 'ADMIN']);
    assert.deepEqual((await verifyIdentity(a, DEV_IDENTITY_SECRET))?.roles, ['USER']);
  });
});
