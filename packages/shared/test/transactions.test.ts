import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isDatabaseBusy,
  isLockConflict,
  isShardUnavailable,
  retryOnLockConflict,
} from '../src/transactions.ts';

const withCode = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isLockConflict', () => {
  it('recognises deadlocks and lock-wait timeouts', () => {
    assert.equal(isLockConflict(withCode('Transaction failed due to a write conflict', 'P2034')), true);
    assert.equal(isLockConflict(new Error('Deadlock found when trying to get lock; try restarting')), true);
    assert.equal(isLockConflict(new Error('Lock wait timeout exceeded; try restarting transaction')), true);
    assert.equal(isLockConflict(new Error('Server error (errno 1213)')), true);
    assert.equal(isLockConflict(new Error('Server error (errno 1205)')), true);
  });

  it('does not take other errors, or numbers that merely contain 1213/1205, for a conflict', () => {
    assert.equal(isLockConflict(withCode('Unique constraint failed', 'P2002')), false);
    assert.equal(isLockConflict(new Error('slot 412130 not found')), false);
    assert.equal(isLockConflict(new Error('connect ECONNREFUSED')), false);
    assert.equal(isLockConflict('Deadlock found'), false);
    assert.equal(isLockConflict({ message: 'Deadlock found' }), false);
    assert.equal(isLockConflict(null), false);
  });
});

describe('retryOnLockConflict', () => {
  it('runs again after a lock conflict and returns the result', async () => {
    let calls = 0;
    const out = await retryOnLockConflict(async () => {
      calls++;
      if (calls < 3) throw withCode('Deadlock found', 'P2034');
      return 'ok';
    });
    assert.equal(out, 'ok');
    assert.equal(calls, 3);
  });

  it('gives up after the given number of attempts', async () => {
    let calls = 0;
    const conflict = new Error('Deadlock found');
    await assert.rejects(
      retryOnLockConflict(async () => {
        calls++;
        throw conflict;
      }, 2),
      (err) => err === conflict,
    );
    assert.equal(calls, 2);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const other = new Error('slot full');
    await assert.rejects(
      retryOnLockConflict(async () => {
        calls++;
        throw other;
      }),
      (err) => err === other,
    );
    assert.equal(calls, 1);
  });
});

describe('isDatabaseBusy', () => {
  it('recognises a database with no connection to spare, however the driver words it', () => {
    const busy = [
      withCode('Transaction API error: Unable to start a transaction in the given time.', 'P2028'),
      withCode(
        'Transaction API error: Transaction already closed: A commit cannot be executed on an expired transaction.',
        'P2028',
      ),
      withCode('Timed out fetching a new connection from the connection pool.', 'P2024'),
      new Error(
        '(conn:-1, no: 45028, SQLState: HY000) pool timeout: failed to retrieve a connection from pool after 5001ms',
      ),
      new Error(
        '(conn:-1, no: 45012, SQLState: 08S01) Connection timeout: failed to create socket after 3002ms',
      ),
    ];
    for (const err of busy) assert.equal(isDatabaseBusy(err), true, err.message);
  });

  it('leaves every other error alone', () => {
    assert.equal(isDatabaseBusy(withCode('Unique constraint failed', 'P2002')), false);
    assert.equal(isDatabaseBusy(new Error('Deadlock found when trying to get lock')), false);
    assert.equal(isDatabaseBusy(new Error('slot 450280 not found')), false);
    assert.equal(isDatabaseBusy('pool timeout'), false);
  });
});

describe('isShardUnavailable', () => {
  /** What Prisma (mariadb adapter) throws for an error the front answered, and its driver cause. */
  const prismaError = (code: number, message: string) =>
    Object.assign(
      new Error(
        `\nInvalid \`prisma.user.findMany()\` invocation:\n\n\nDatabase error. Code: \`${code}\`. Message: \`${message}\``,
      ),
      { code: 'P2010' },
    );

  it('recognises every way the Spider front says a shard is gone or does not answer', () => {
    const gone = [
      prismaError(1429, 'Unable to connect to foreign data source: shard1'),
      prismaError(12701, 'Remote MySQL server has gone away'),
      prismaError(1430, 'There was a problem processing the query on the foreign data source.'),
      prismaError(1159, 'Got timeout reading communication packets'),
      prismaError(1158, 'Got an error reading communication packets'),
      prismaError(1160, 'Got an error writing communication packets'),
      prismaError(2013, 'Lost connection to server during query'),
      prismaError(12719, 'Table open timeout'),
    ];
    for (const err of gone) assert.equal(isShardUnavailable(err), true, err.message);
  });

  it('finds the shard error behind a GraphQL error or a driver error’s cause', () => {
    const shard = prismaError(1429, 'Unable to connect to foreign data source: shard0');
    assert.equal(isShardUnavailable({ message: 'wrapped', originalError: shard }), true);
    assert.equal(isShardUnavailable(new Error('query failed', { cause: shard })), true);
  });

  it('leaves other errors, and numbers that merely contain a shard error code, alone', () => {
    assert.equal(isShardUnavailable(prismaError(1062, "Duplicate entry '1' for key 'PRIMARY'")), false);
    assert.equal(isShardUnavailable(new Error('venue 214290 not found')), false);
    assert.equal(
      isShardUnavailable(new Error('pool timeout: failed to retrieve a connection from pool after 5001ms')),
      false,
    );
    assert.equal(isShardUnavailable(null), false);
  });
});
