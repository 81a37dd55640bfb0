import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeScopedId, encodeScopedId } from '../../src/catalog/scoped-id.ts';

describe('venue-scoped ids', () => {
  it('carry the venue (the shard key) and round-trip', () => {
    assert.equal(encodeScopedId(12n, 345n), '12-345');
    assert.deepEqual(decodeScopedId('12-345'), { venueId: 12n, localId: 345n });
  });

  it('are null when malformed, so callers answer "not found"', () => {
    for (const bad of ['', '12', '12-', '-3', '0-1', '1-0', '1-2-3', 'a-b', '12345678901234567890-1'])
      assert.equal(decodeScopedId(bad), null, bad);
  });
});
