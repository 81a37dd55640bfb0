// Scenario: the router authenticates bearer tokens against the issuer's JWKS and forwards only a
// router-signed identity to subgraphs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDENTITY_HEADER, signIdentity, DEV_IDENTITY_SECRET } from '@sport-venue/shared';
import { startGraph, type Graph } from './support/graph.ts';
import { startTokenIssuer } from './support/token-issuer.ts';
import { ensureWeChatUser } from '../subgraphs/user/src/user-store.ts';

describe('router authentication', () => {
  let graph: Graph;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  let userId: string;

  before(async () => {
    issuer = await startTokenIssuer();
    graph = await startGraph({ routerEnv: { USER_JWKS_URL: issuer.jwksUrl, JWKS_COOLDOWN_MS: '500' } });
    userId = (
      await ensureWeChatUser(graph.user.db, { openid: 'o-test-auth', nickname: '阿杰' })
    ).id.toString();
  });
  after(async () => {
    await graph?.stop();
    await issuer?.stop();
  });

  const me = (headers: Record<string, string>) =>
    graph.graphql<{ me: { id: string; nickname: string } | null }>('{ me { id nickname } }', {}, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('forwards a verified caller: me resolves to the token subject', async () => {
    const result = await me(bearer(await issuer.sign({ sub: userId })));
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(result.data?.me, { id: userId, nickname: '阿杰' });
  });

  it('without a token the caller is anonymous and public data still answers', async () => {
    const result = await graph.graphql('{ cities { code } }');
    assert.equal(result.status, 200);
    assert.equal(result.errors, undefined);
  });

  it('an identity header forged by the client is ignored', async () => {
    const forged = await signIdentity({ userId, roles: ['ADMIN'], venueIds: [] }, DEV_IDENTITY_SECRET);
    const result = await me({ [IDENTITY_HEADER]: forged });
    // Served anonymously: `me` is null for a caller without a (verified) token.
    assert.equal(result.status, 200);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data?.me, null);
  });

  it('an expired token is refused with 401 UNAUTHENTICATED (reason EXPIRED)', async () => {
    const result = await me(bearer(await issuer.sign({ sub: userId }, { expiresIn: -60 })));
    assert.equal(result.status, 401);
    assert.equal(result.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.equal(result.errors?.[0]?.extensions?.reason, 'EXPIRED');
  });

  it('a token with a wrong signature is refused', async () => {
    const impostor = await issuer.newKey('k1'); // same kid, different key
    const result = await me(bearer(await issuer.sign({ sub: userId }, { key: impostor })));
    assert.equal(result.status, 401);
    assert.equal(result.errors?.[0]?.extensions?.reason, 'INVALID');
  });

  it('a token for another audience or issuer is refused', async () => {
    for (const opts of [{ audience: 'someone-else' }, { issuer: 'evil' }]) {
      const result = await me(bearer(await issuer.sign({ sub: userId }, opts)));
      assert.equal(result.status, 401, JSON.stringify(opts));
    }
  });

  it('a malformed Authorization header is refused, not ignored', async () => {
    const result = await me({ authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(result.status, 401);
  });

  it('an unknown kid is refused until the issuer publishes it; after rotation both keys verify', async () => {
    const next = await issuer.newKey('k2');
    const early = await me(bearer(await issuer.sign({ sub: userId }, { key: next })));
    assert.equal(early.status, 401);
    issuer.publish(next);
    // The JWKS cache refetches on an unknown kid after a short cooldown.
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await me(bearer(await issuer.sign({ sub: userId }, { key: next })))).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(status, 200);
    const old = await me(bearer(await issuer.sign({ sub: userId })));
    assert.equal(old.status, 200, 'the previous key still verifies during the overlap');
  });
});

describe('session mutations with a stale token', () => {
  let graph: Graph;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;

  before(async () => {
    issuer = await startTokenIssuer();
    graph = await startGraph({ routerEnv: { USER_JWKS_URL: issuer.jwksUrl } });
  });
  after(async () => {
    await graph?.stop();
    await issuer?.stop();
  });

  it('login still works when the client attaches an expired token; other operations do not', async () => {
    const expired = { authorization: `Bearer ${await issuer.sign({ sub: '1' }, { expiresIn: -60 })}` };
    const login = await graph.graphql<{ loginWithWeChat: { accessToken: string } }>(
      'mutation { loginWithWeChat(code: "test-stale") { accessToken } }',
      {},
      expired,
    );
    assert.equal(login.errors, undefined, JSON.stringify(login.errors));
    assert.ok(login.data?.loginWithWeChat.accessToken);
    const mixed = await graph.graphql(
      'mutation { loginWithWeChat(code: "test-stale") { accessToken } updateProfile(input: {}) { id } }',
      {},
      expired,
    );
    assert.equal(mixed.status, 401);
  });
});
