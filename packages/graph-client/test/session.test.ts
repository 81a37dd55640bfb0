import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, SessionExpiredError, type Tokens, type TokenStorage } from '../src/session.ts';

const T0 = Date.parse('2026-12-07T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function tokens(n: number, accessFor = 900_000): Tokens {
  return {
    accessToken: `a${n}`,
    accessTokenExpiresAt: iso(T0 + accessFor),
    refreshToken: `r${n}`,
    refreshTokenExpiresAt: iso(T0 + 86_400_000),
  };
}

function memory(initial: Tokens | null): TokenStorage & { value: Tokens | null } {
  return {
    value: initial,
    load() {
      return this.value;
    },
    save(t) {
      this.value = t;
    },
    clear() {
      this.value = null;
    },
  };
}

test('a fresh access token is returned without refreshing', async () => {
  let refreshes = 0;
  const session = createSession({
    storage: memory(tokens(1)),
    refresh: async () => (refreshes++, tokens(2)),
    now: () => T0,
  });
  assert.equal(await session.accessToken(), 'a1');
  assert.equal(refreshes, 0);
});

test('concurrent callers near expiry share one refresh (refresh tokens are single use)', async () => {
  const storage = memory(tokens(1, 10_000));
  const presented: string[] = [];
  const session = createSession({
    storage,
    refresh: async (rt) => {
      presented.push(rt);
      await new Promise((r) => setTimeout(r, 20));
      return tokens(2);
    },
    now: () => T0,
  });
  const got = await Promise.all([session.accessToken(), session.accessToken(), session.forceRefresh()]);
  assert.deepEqual(got, ['a2', 'a2', 'a2']);
  assert.deepEqual(presented, ['r1']);
  assert.equal(storage.value?.refreshToken, 'r2');
});

test('a refused refresh ends the session and tells the listeners', async () => {
  const storage = memory(tokens(1, 0));
  const seen: (Tokens | null)[] = [];
  const session = createSession({
    storage,
    refresh: async () => {
      throw new SessionExpiredError();
    },
    now: () => T0,
  });
  session.subscribe((t) => seen.push(t));
  assert.equal(await session.accessToken(), null);
  assert.equal(storage.value, null);
  assert.deepEqual(seen, [null]);
});

test('a network failure during refresh keeps the session for a retry', async () => {
  const storage = memory(tokens(1, 0));
  const session = createSession({
    storage,
    refresh: async () => {
      throw new Error('offline');
    },
    now: () => T0,
  });
  await assert.rejects(session.accessToken(), /offline/);
  assert.equal(storage.value?.refreshToken, 'r1');
});
