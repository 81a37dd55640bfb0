import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loginLookup, normalizePhone, normalizeUsername } from '../../src/operators.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/passwords.ts';
import { hashRefreshToken, refreshTokenUser } from '../../src/refresh-tokens.ts';
import { decryptSessionKey, encryptSessionKey } from '../../src/session-key-vault.ts';

describe('credentials', () => {
  it('verifies a scrypt password hash and refuses any other password', async () => {
    const stored = await hashPassword('correct horse battery', 10);
    assert.match(stored, /^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
    assert.notEqual(await hashPassword('correct horse battery', 10), stored, 'salted');
  });

  it('requires passwords of 10 to 128 characters without surrounding whitespace', () => {
    assert.equal(passwordProblem('long enough pw'), null);
    assert.match(passwordProblem('short') ?? '', /at least 10/);
    assert.match(passwordProblem('x'.repeat(129)) ?? '', /at most 128/);
    assert.match(passwordProblem(' padded password ') ?? '', /whitespace/);
  });

  it('normalizes usernames and phone numbers, and tells them apart at login', () => {
    assert.equal(normalizeUsername('  Venue.Ops-1 '), 'venue.ops-1');
    assert.throws(() => normalizeUsername('ab'));
    assert.equal(normalizePhone('138 0013 8000'), '+8613800138000');
    assert.equal(normalizePhone('+41791234567'), '+41791234567');
    assert.deepEqual(loginLookup('13800138000'), { phone: '+8613800138000' });
    assert.deepEqual(loginLookup('Ops'), { username: 'ops' });
    assert.equal(loginLookup('!!'), null);
  });

  it('stores the session_key only encrypted and authenticated', () => {
    const key = Buffer.alloc(32, 7);
    const stored = encryptSessionKey('tiihtNczf5v6AKRyjwEUhQ==', key);
    assert.doesNotMatch(stored, /tiihtNczf5v6AKRyjwEUhQ/);
    assert.equal(decryptSessionKey(stored, key), 'tiihtNczf5v6AKRyjwEUhQ==');
    assert.throws(() => decryptSessionKey(stored, Buffer.alloc(32, 8)));
    const [v, iv, tag, ct] = stored.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(() => decryptSessionKey([v, iv, tag, flipped.toString('base64url')].join('.'), key));
  });

  it('refresh tokens name their user and are stored as SHA-256 only', () => {
    const token = `42.${'a'.repeat(43)}`;
    assert.equal(refreshTokenUser(token), 42n);
    assert.equal(hashRefreshToken(token).length, 64);
    for (const bad of ['', '42', `0.${'a'.repeat(43)}`, `42.${'a'.repeat(42)}`, `x.${'a'.repeat(43)}`]) {
      assert.equal(refreshTokenUser(bad), null);
    }
  });
});
