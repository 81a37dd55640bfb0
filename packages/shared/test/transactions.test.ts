import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isLockConflict, retryOnLockConflict } from '../src/transactions.ts';

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
