import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCursor, encodeCursor, pageSize } from '../../src/catalog/pagination.ts';

describe('venue pagination', () => {
  it('round-trips a cursor', () => {
    assert.equal(decodeCursor(encodeCursor(123456789012345n)), 123456789012345n);
  });

  it('rejects a forged or foreign cursor as bad input', () => {
    for (const bad of [
      '',
      'abc',
      Buffer.from('venue:-1').toString('base64url'),
      Buffer.from('user:5').toString('base64url'),
    ]) {
      assert.throws(
        () => decodeCursor(bad),
        (err: { extensions: { code: string } }) => err.extensions.code === 'BAD_USER_INPUT',
      );
    }
  });

  it('bounds the page size', () => {
    assert.equal(pageSize(undefined), 20);
    assert.equal(pageSize(100), 100);
    for (const bad of [0, -1, 101, 2.5]) assert.throws(() => pageSize(bad), /between 1 and 100/);
  });
});
