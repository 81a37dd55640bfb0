// Access tokens checked the way the router checks them (RS256 against the served JWKS, issuer,
// audience), and refresh-token rotation, revocation and reuse detection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { issueAccessToken } from '../src/access-tokens.ts';
import { generateSigningKey, serializeSigningKeys } from '../src/signing-keys.ts';
import { codeOf, startUserForTest, type UserUnderTest } from './support.ts';

const LOGIN = `mutation($code: String!) { loginWithWeChat(code: $code) { accessToken refreshToken user { id } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }`;
const LOGOUT = `mutation($t: String!) { logout(refreshToken: $t) }`;

type Tokens = { accessToken: string; refreshToken: string; user: { id: string } };

describe('access and refresh tokens', () => {
  const keyA = generateSigningKey();
  const keyB = generateSigningKey();
  let t: UserUnderTest;

  const verify = (token: string, options: { currentDate?: Date } = {}) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`${t.app.url}/.well-known/jwks.json`)), {
      algorithms: ['RS256'],
      issuer: 'sport-venue-user',
      audience: 'sport-venue',
      ...options,
    });

  const login = async (code: string) => {
    const result = await t.graphql<{ loginWithWeChat: Tokens }>(LOGIN, { code });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.loginWithWeChat;
  };
  const refresh = (token: string) => t.graphql<{ refreshToken: Tokens }>(REFRESH, { t: token });

  before(async () => {
    t = await startUserForTest({ JWT_SIGNING_KEYS: serializeSigningKeys([keyA]) });
  });
  after(() => t?.stop());

  it('serves the public keys as a JWKS document', async () => {
    const res = await fetch(`${t.app.url}/.well-known/jwks.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
    const body = (await res.json()) as { keys: Array<Record<string, string>> };
    assert.deepEqual(body.keys, [keyA.publicJwk]);
  });

  it('issues RS256 access tokens with kid, sub, roles, venues, issuer, audience and a 15-minute expiry', async () => {
    const tokens = await login('test-tok1');
    assert.deepEqual(decodeProtectedHeader(tokens.accessToken), {
      alg: 'RS256',
      kid: keyA.kid,
      typ: 'at+jwt',
    });
    const { payload } = await verify(tokens.accessToken);
    assert.equal(payload.sub, tokens.user.id);
    assert.deepEqual(payload.roles, ['USER']);
    assert.deepEqual(payload.venues, []);
    assert.equal(payload.exp! - payload.iat!, 900);
    assert.equal(typeof payload.jti, 'string');
  });

  it('an expired access token is rejected', async () => {
    const { token } = await issueAccessToken(
      t.app.keys,
      { issuer: 'sport-venue-user', audience: 'sport-venue', ttlSeconds: 900 },
      { userId: '1', roles: ['USER'], venueIds: [] },
      Date.now() - 901_000,
    );
    await assert.rejects(verify(token), errors.JWTExpired);
  });

  it('a token signed by another key under our kid, or altered after signing, is rejected', async () => {
    const forged = await new SignJWT({ roles: ['ADMIN'], venues: [] })
      .setProtectedHeader({ alg: 'RS256', kid: keyA.kid })
      .setSubject('1')
      .setIssuer('sport-venue-user')
      .setAudience('sport-venue')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(generateSigningKey().privateKey);
    await assert.rejects(verify(forged), errors.JWSSignatureVerificationFailed);

    const [header, payload, signature] = (await login('test-tok2')).accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as JWTPayload;
    const elevated = Buffer.from(JSON.stringify({ ...claims, roles: ['USER', 'ADMIN'] })).toString(
      'base64url',
    );
    await assert.rejects(verify(`${header}.${elevated}.${signature}`), errors.JWSSignatureVerificationFailed);
  });

  it('a token with an unknown kid is rejected', async () => {
    const stranger = generateSigningKey();
    const { token } = await issueAccessToken(
      [stranger],
      { issuer: 'sport-venue-user', audience: 'sport-venue', ttlSeconds: 900 },
      { userId: '1', roles: ['USER'], venueIds: [] },
    );
    await assert.rejects(verify(token), errors.JWKSNoMatchingKey);
  });

  it('rotates the refresh token: the new one works, the old one is spent', async () => {
    const tokens = await login('test-tok3');
    const next = await refresh(tokens.refreshToken);
    assert.equal(next.errors, undefined, JSON.stringify(next.errors));
    const rotated = next.data!.refreshToken;
    assert.equal(rotated.user.id, tokens.user.id);
    assert.notEqual(rotated.refreshToken, tokens.refreshToken);
    assert.equal((await verify(rotated.accessToken)).payload.sub, tokens.user.id);
    assert.equal((await refresh(rotated.refreshToken)).errors, undefined);
  });

  it('reuse of a rotated refresh token revokes the whole family', async () => {
    const tokens = await login('test-tok4');
    const second = (await refresh(tokens.refreshToken)).data!.refreshToken;
    const reuse = await refresh(tokens.refreshToken);
    assert.equal(codeOf(reuse), 'UNAUTHENTICATED');
    assert.equal(reuse.errors![0]!.extensions!.reason, 'REFRESH_TOKEN_REUSED');
    // The legitimate holder of the newer token is logged out too and must log in again.
    const after = await refresh(second.refreshToken);
    assert.equal(after.errors![0]!.extensions!.reason, 'REFRESH_TOKEN_REVOKED');
    // Other sessions of the same user are separate families and keep working.
    const otherDevice = await login('test-tok4');
    assert.equal((await refresh(otherDevice.refreshToken)).errors, undefined);
  });

  it('of two concurrent refreshes with one token, one wins and the other counts as reuse', async () => {
    const tokens = await login('test-tok5');
    const results = await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);
    const reasons = results.map((r) => (r.errors ? r.errors[0]!.extensions!.reason : 'OK')).sort();
    assert.deepEqual(reasons, ['OK', 'REFRESH_TOKEN_REUSED']);
  });

  it('logout revokes the refresh token, and is idempotent', async () => {
    const tokens = await login('test-tok6');
    assert.deepEqual((await t.graphql(LOGOUT, { t: tokens.refreshToken })).data, { logout: true });
    assert.deepEqual((await t.graphql(LOGOUT, { t: tokens.refreshToken })).data, { logout: true });
    assert.deepEqual((await t.graphql(LOGOUT, { t: 'garbage' })).data, { logout: true });
    const result = await refresh(tokens.refreshToken);
    assert.equal(result.errors![0]!.extensions!.reason, 'REFRESH_TOKEN_REVOKED');
  });

  it('refuses expired and unknown refresh tokens', async () => {
    const tokens = await login('test-tok7');
    const userId = BigInt(tokens.user.id);
    await t.db.refreshToken.updateMany({
      where: { userId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    assert.equal(
      (await refresh(tokens.refreshToken)).errors![0]!.extensions!.reason,
      'REFRESH_TOKEN_EXPIRED',
    );
    for (const unknown of [`${userId}.${'A'.repeat(43)}`, 'not-a-token', `999999.${'A'.repeat(43)}`]) {
      assert.equal((await refresh(unknown)).errors![0]!.extensions!.reason, 'REFRESH_TOKEN_INVALID');
    }
  });

  it('stores refresh tokens only as hashes', async () => {
    const tokens = await login('test-tok8');
    const rows = await t.db.refreshToken.findMany({ where: { userId: BigInt(tokens.user.id) } });
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(!tokens.refreshToken.includes(row.tokenHash));
  });

  it('key rotation: while both keys are published, tokens of either verify; the new key signs', async () => {
    const beforeRotation = await login('test-rot');
    await t.restart({ JWT_SIGNING_KEYS: serializeSigningKeys([keyB, keyA]) });

    const jwks = (await (await fetch(`${t.app.url}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      [keyB.kid, keyA.kid],
    );
    assert.equal((await verify(beforeRotation.accessToken)).payload.sub, beforeRotation.user.id);
    const refreshed = (await refresh(beforeRotation.refreshToken)).data!.refreshToken;
    assert.equal(decodeProtectedHeader(refreshed.accessToken).kid, keyB.kid);
    assert.equal((await verify(refreshed.accessToken)).payload.sub, beforeRotation.user.id);

    // Once the old key is withdrawn, what it signed is no longer accepted; sessions survive.
    await t.restart({ JWT_SIGNING_KEYS: serializeSigningKeys([keyB]) });
    await assert.rejects(verify(beforeRotation.accessToken), errors.JWKSNoMatchingKey);
    assert.equal((await verify(refreshed.accessToken)).payload.sub, beforeRotation.user.id);
    assert.equal((await refresh(refreshed.refreshToken)).errors, undefined);
  });
});
