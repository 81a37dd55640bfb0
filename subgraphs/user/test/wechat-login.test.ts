// Mini-program login against the fake WeChat API over real HTTP: users are created on first login,
// WeChat errors become stable codes, and a refused login changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decryptSessionKey } from '../src/session-key-vault.ts';
import { asUser, codeOf, startUserForTest, type UserUnderTest } from './support.ts';

const LOGIN = `mutation($code: String!) {
  loginWithWeChat(code: $code) {
    accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt tokenType isNewUser
    user { id nickname }
  }
}`;

interface Login {
  loginWithWeChat: {
    accessToken: string;
    accessTokenExpiresAt: string;
    refreshToken: string;
    tokenType: string;
    isNewUser: boolean;
    user: { id: string; nickname: string | null };
  };
}

describe('WeChat login', () => {
  let t: UserUnderTest;

  before(async () => {
    t = await startUserForTest();
  });
  after(() => t?.stop());

  it('creates the user on the first login and finds the same user on the next', async () => {
    const first = await t.graphql<Login>(LOGIN, { code: 'test-alice' });
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    const login = first.data!.loginWithWeChat;
    assert.equal(login.isNewUser, true);
    assert.equal(login.tokenType, 'Bearer');
    assert.match(login.accessToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(login.refreshToken, new RegExp(`^${login.user.id}\\.[\\w-]{43}$`));
    const ttl = Date.parse(login.accessTokenExpiresAt) - Date.now();
    assert.ok(ttl > 850_000 && ttl <= 900_000, `access token lives ${ttl} ms`);

    const again = await t.graphql<Login>(LOGIN, { code: 'test-alice' });
    assert.equal(again.data!.loginWithWeChat.isNewUser, false);
    assert.equal(again.data!.loginWithWeChat.user.id, login.user.id);

    const row = await t.db.user.findUniqueOrThrow({ where: { id: BigInt(login.user.id) } });
    assert.equal(row.openid, 'o-test-alice');
    assert.equal(row.unionid, 'u-test-alice');
  });

  it('keeps only the latest session_key, encrypted, and never returns it', async () => {
    const result = await t.graphql<Login>(LOGIN, { code: 'test-bob' });
    const userId = BigInt(result.data!.loginWithWeChat.user.id);
    const stored = await t.db.wechatSession.findUniqueOrThrow({ where: { userId } });
    const sessionKey = decryptSessionKey(stored.sessionKeyCipher, t.config.SESSION_KEY_ENCRYPTION_KEY);
    assert.equal(Buffer.from(sessionKey, 'base64').length, 16);
    assert.ok(!stored.sessionKeyCipher.includes(sessionKey));
    assert.ok(!JSON.stringify(result).includes(sessionKey));

    await t.graphql(LOGIN, { code: 'test-bob' });
    const rotated = await t.db.wechatSession.findUniqueOrThrow({ where: { userId } });
    assert.notEqual(
      decryptSessionKey(rotated.sessionKeyCipher, t.config.SESSION_KEY_ENCRYPTION_KEY),
      sessionKey,
    );
    assert.equal(await t.db.wechatSession.count({ where: { userId } }), 1);
  });

  it('maps WeChat errors to stable codes and writes nothing', async () => {
    const before = { users: await t.db.user.count(), tokens: await t.db.refreshToken.count() };
    const cases: Array<[string, string]> = [
      ['test-invalid', 'INVALID_WECHAT_CODE'],
      ['never-issued-code', 'INVALID_WECHAT_CODE'],
      ['test-used', 'INVALID_WECHAT_CODE'],
      ['test-ratelimited', 'WECHAT_RATE_LIMITED'],
      ['test-blocked', 'WECHAT_USER_BLOCKED'],
      ['test-busy', 'WECHAT_UNAVAILABLE'],
    ];
    for (const [code, expected] of cases) {
      const result = await t.graphql(LOGIN, { code });
      assert.equal(codeOf(result), expected, `${code}: ${JSON.stringify(result.errors)}`);
      assert.equal(result.data, null);
      assert.equal(result.errors![0]!.extensions!.stacktrace, undefined);
    }
    const limited = await t.graphql(LOGIN, { code: 'test-ratelimited' });
    assert.equal(limited.errors![0]!.extensions!.retryAfterSeconds, 60);
    assert.deepEqual({ users: await t.db.user.count(), tokens: await t.db.refreshToken.count() }, before);
  });

  it('gives up on a WeChat that does not answer in time', async () => {
    const started = Date.now();
    const result = await t.graphql(LOGIN, { code: 'test-slow' });
    assert.equal(codeOf(result), 'WECHAT_UNAVAILABLE');
    assert.ok(Date.now() - started < 2_500, 'answered before the fake did');
    assert.equal(await t.db.user.count({ where: { openid: 'o-test-slow' } }), 0);
  });

  it('refuses a malformed code without calling WeChat', async () => {
    const calls = t.wechat.calls.length;
    for (const code of ['', 'x'.repeat(129), 'has space', '码']) {
      assert.equal(codeOf(await t.graphql(LOGIN, { code })), 'BAD_USER_INPUT');
    }
    assert.equal(t.wechat.calls.length, calls);
  });

  it('answers me for the caller the router vouches for, and null for anonymous calls', async () => {
    const login = (await t.graphql<Login>(LOGIN, { code: 'test-carol' })).data!.loginWithWeChat;
    const me = await t.graphql<{ me: { id: string } | null }>('{ me { id } }', {}, asUser(login.user.id));
    assert.deepEqual(me.data, { me: { id: login.user.id } });
    assert.deepEqual((await t.graphql('{ me { id } }')).data, { me: null });
  });

  it('treats a forged identity header as anonymous', async () => {
    const res = await fetch(`${t.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sv-identity': 'eyJhbGciOiJIUzI1NiJ9.e30.forged' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    assert.deepEqual(await res.json(), { data: { me: null } });
  });
});
