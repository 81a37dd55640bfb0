// Console accounts: password login with lockout, admins creating operators and granting venues,
// and the venue claims the router forwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { createAdmin } from '../src/operators.ts';
import { asUser, codeOf, startUserForTest, type UserUnderTest } from './support.ts';

const PASSWORD_LOGIN = `mutation($login: String!, $password: String!) {
  loginWithPassword(login: $login, password: $password) { accessToken refreshToken user { id nickname } }
}`;
const CREATE = `mutation($input: CreateOperatorInput!) { createOperator(input: $input) { id nickname } }`;
const GRANT = `mutation($u: ID!, $v: [ID!]!) { grantVenueOperator(userId: $u, venueIds: $v) { id } }`;
const REVOKE = `mutation($u: ID!, $v: [ID!]!) { revokeVenueOperator(userId: $u, venueIds: $v) { id } }`;

type Login = { loginWithPassword: { accessToken: string; user: { id: string } } };

describe('operator accounts', () => {
  let t: UserUnderTest;
  let admin: ReturnType<typeof asUser>;

  const passwordLogin = (login: string, password: string) =>
    t.graphql<Login>(PASSWORD_LOGIN, { login, password });
  const claimsOf = async (login: string, password: string) => {
    const result = await passwordLogin(login, password);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return decodeJwt(result.data!.loginWithPassword.accessToken);
  };

  before(async () => {
    t = await startUserForTest({ OPERATOR_MAX_FAILED_LOGINS: '3', OPERATOR_LOCKOUT_MINUTES: '10' });
    const row = await createAdmin(
      t.db,
      { username: 'root', password: 'admin password 1' },
      { scryptLogN: 10, maxFailures: 3, lockoutMinutes: 10 },
    );
    admin = asUser(row.id, ['USER', 'ADMIN']);
  });
  after(() => t?.stop());

  it('an admin logs in with a password and gets the ADMIN role in the token', async () => {
    const claims = await claimsOf('root', 'admin password 1');
    assert.deepEqual(claims.roles, ['USER', 'ADMIN']);
    assert.deepEqual(claims.venues, []);
  });

  it('an admin creates an operator who logs in by username or phone and carries the venue ids', async () => {
    const created = await t.graphql<{ createOperator: { id: string; nickname: string } }>(
      CREATE,
      {
        input: {
          username: 'Jingan.Ops',
          phone: '138 0013 8000',
          password: 'operator pass 1',
          venueIds: ['12', '11'],
        },
      },
      admin,
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    assert.equal(created.data!.createOperator.nickname, 'jingan.ops');
    for (const login of ['jingan.ops', 'JINGAN.OPS', '13800138000', '+8613800138000']) {
      const claims = await claimsOf(login, 'operator pass 1');
      assert.equal(claims.sub, created.data!.createOperator.id);
      assert.deepEqual(claims.roles, ['USER', 'VENUE_OPERATOR']);
      assert.deepEqual(claims.venues, ['11', '12']);
    }
    const self = asUser(created.data!.createOperator.id, ['USER', 'VENUE_OPERATOR'], ['11', '12']);
    const me = await t.graphql('{ me { roles operatedVenues { id } } }', {}, self);
    assert.deepEqual(me.data, {
      me: { roles: ['USER', 'VENUE_OPERATOR'], operatedVenues: [{ id: '11' }, { id: '12' }] },
    });
  });

  it('only admins create accounts or grant venues, and a refused request creates nothing', async () => {
    const users = await t.db.user.count();
    const input = { username: 'sneaky', password: 'operator pass 1', venueIds: ['1'] };
    assert.equal(codeOf(await t.graphql(CREATE, { input })), 'UNAUTHENTICATED');
    assert.equal(
      codeOf(await t.graphql(CREATE, { input }, asUser(999, ['USER', 'VENUE_OPERATOR'], ['1']))),
      'FORBIDDEN',
    );
    assert.equal(codeOf(await t.graphql(GRANT, { u: admin.userId, v: ['5'] }, asUser(999))), 'FORBIDDEN');
    assert.equal(await t.db.user.count(), users);
    assert.equal(await t.db.operatorVenue.count({ where: { venueId: 5n } }), 0);
  });

  it('refuses duplicate usernames, weak passwords and bad venue ids with stable codes', async () => {
    const base = { username: 'dup.ops', password: 'operator pass 1', venueIds: [] };
    assert.equal((await t.graphql(CREATE, { input: base }, admin)).errors, undefined);
    assert.equal(
      codeOf(await t.graphql(CREATE, { input: { ...base, username: 'DUP.ops' } }, admin)),
      'ALREADY_EXISTS',
    );
    assert.equal(
      codeOf(await t.graphql(CREATE, { input: { ...base, username: 'x2', password: 'short' } }, admin)),
      'BAD_USER_INPUT',
    );
    assert.equal(
      codeOf(await t.graphql(CREATE, { input: { ...base, username: 'x3', venueIds: ['abc'] } }, admin)),
      'BAD_USER_INPUT',
    );
  });

  it('granting adds venues and the role; revoking the last venue removes the role; refresh carries it', async () => {
    const created = await t.graphql<{ createOperator: { id: string } }>(
      CREATE,
      { input: { username: 'gym.ops', password: 'operator pass 1' } },
      admin,
    );
    const id = created.data!.createOperator.id;
    assert.deepEqual((await claimsOf('gym.ops', 'operator pass 1')).roles, ['USER']);
    const session = (await passwordLogin('gym.ops', 'operator pass 1')).data!
      .loginWithPassword as unknown as {
      refreshToken: string;
    };

    assert.equal((await t.graphql(GRANT, { u: id, v: ['7', '8'] }, admin)).errors, undefined);
    assert.equal((await t.graphql(GRANT, { u: id, v: ['8'] }, admin)).errors, undefined);
    const refreshed = await t.graphql<{ refreshToken: { accessToken: string; refreshToken: string } }>(
      `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`,
      { t: session.refreshToken },
    );
    assert.deepEqual(decodeJwt(refreshed.data!.refreshToken.accessToken).venues, ['7', '8']);

    await t.graphql(REVOKE, { u: id, v: ['7'] }, admin);
    assert.deepEqual((await claimsOf('gym.ops', 'operator pass 1')).venues, ['8']);
    await t.graphql(REVOKE, { u: id, v: ['8'] }, admin);
    const claims = await claimsOf('gym.ops', 'operator pass 1');
    assert.deepEqual([claims.roles, claims.venues], [['USER'], []]);
    assert.equal(codeOf(await t.graphql(GRANT, { u: '987654', v: ['1'] }, admin)), 'NOT_FOUND');
  });

  it('an unknown login and a wrong password fail alike', async () => {
    const unknown = await passwordLogin('nobody', 'whatever pass 1');
    const wrong = await passwordLogin('root', 'wrong password');
    assert.equal(codeOf(unknown), 'INVALID_CREDENTIALS');
    assert.deepEqual(unknown.errors![0]!.message, wrong.errors![0]!.message);
    // A success resets the failure count, so this does not lock the admin out later.
    await claimsOf('root', 'admin password 1');
  });

  it('locks the account after repeated failures, refusing even the right password until it expires', async () => {
    await t.graphql(CREATE, { input: { username: 'lock.me', password: 'operator pass 1' } }, admin);
    for (let i = 0; i < 3; i++)
      assert.equal(codeOf(await passwordLogin('lock.me', `wrong ${i}`)), 'INVALID_CREDENTIALS');
    const locked = await passwordLogin('lock.me', 'operator pass 1');
    assert.equal(codeOf(locked), 'ACCOUNT_LOCKED');
    const retryAfter = locked.errors![0]!.extensions!.retryAfterSeconds as number;
    assert.ok(retryAfter > 590 && retryAfter <= 600, String(retryAfter));
    assert.equal(
      await t.db.refreshToken.count({ where: { user: { credential: { username: 'lock.me' } } } }),
      0,
    );

    // Ten minutes later (moved in the database rather than waited for):
    await t.db.operatorCredential.update({
      where: { username: 'lock.me' },
      data: { lockedUntil: new Date(Date.now() - 1000) },
    });
    await claimsOf('lock.me', 'operator pass 1');
    const row = await t.db.operatorCredential.findUniqueOrThrow({ where: { username: 'lock.me' } });
    assert.deepEqual([row.failedAttempts, row.lockedUntil], [0, null]);
  });

  it('counts concurrent failures without losing any', async () => {
    await t.graphql(CREATE, { input: { username: 'burst', password: 'operator pass 1' } }, admin);
    await Promise.all([1, 2].map((i) => passwordLogin('burst', `wrong ${i}`)));
    const row = await t.db.operatorCredential.findUniqueOrThrow({ where: { username: 'burst' } });
    assert.equal(row.failedAttempts, 2);
  });
});
