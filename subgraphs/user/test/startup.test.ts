// The user subgraph's processes refuse to start misconfigured, with one line naming the setting
// and never echoing a secret; the admin bootstrap creates a console admin.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createTestDatabase } from '@sport-venue/shared/testing';
import { createUserDb } from '../src/user-store.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

const run = (file: string, env: Record<string, string>) =>
  spawnSync(process.execPath, [file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    // Generous: at a load average of 35 on 2 cores, loading the modules alone took over 20 s.
    timeout: 120_000,
  });

const oneLine = (result: ReturnType<typeof run>, variable: string) => {
  assert.equal(result.status, 78, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, new RegExp(`^invalid configuration: ${variable}: `));
  return lines[0]!;
};

describe('user subgraph start-up', () => {
  it('production without secrets exits naming the first missing one', () => {
    const line = oneLine(
      run('subgraphs/user/src/index.ts', { NODE_ENV: 'production' }),
      'INTERNAL_IDENTITY_SECRET',
    );
    assert.match(line, /is required in production/);
  });

  it('the standalone points consumer checks its own settings only', () => {
    oneLine(
      run('subgraphs/user/src/points-consumer.ts', {
        NODE_ENV: 'production',
        POINTS_CONSUMER_CHUNK_SIZE: '0',
      }),
      'POINTS_CONSUMER_CHUNK_SIZE',
    );
  });

  it('a malformed signing key is named without echoing key material', () => {
    const secret = 'super-secret-material-0123456789';
    const line = oneLine(
      run('subgraphs/user/src/index.ts', { JWT_SIGNING_KEYS: `["${secret}"]` }),
      'JWT_SIGNING_KEYS',
    );
    assert.doesNotMatch(line, new RegExp(secret));
  });

  describe('admin bootstrap', () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    before(async () => {
      database = await createTestDatabase('user');
    });
    after(() => database?.drop());

    it('creates a console admin once, refusing a second with the same name', async () => {
      const env = {
        USER_DATABASE_URL: database.url,
        PASSWORD_SCRYPT_LOG_N: '10',
        ADMIN_USERNAME: 'first.admin',
        ADMIN_PASSWORD: 'a long admin password',
      };
      const created = run('subgraphs/user/src/create-admin.ts', env);
      assert.equal(created.status, 0, created.stderr);
      assert.doesNotMatch(created.stdout + created.stderr, /a long admin password/);
      const again = run('subgraphs/user/src/create-admin.ts', env);
      assert.equal(again.status, 1);
      assert.match(again.stderr, /username is taken/);
      const db = createUserDb(database.url, 1);
      try {
        const roles = await db.userRole.findMany({
          where: { user: { credential: { username: 'first.admin' } } },
        });
        assert.deepEqual(
          roles.map((r) => r.role),
          ['ADMIN'],
        );
      } finally {
        await db.$disconnect();
      }
    });
  });
});
