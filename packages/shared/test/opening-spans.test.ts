import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOpeningSpans, encodeOpeningSpans } from '../src/opening-spans.ts';

describe('opening spans wire form', () => {
  it('round-trips every span in order, a span past midnight included', () => {
    const spans = [
      { weekday: 1, openMinute: 360, closeMinute: 720 },
      { weekday: 1, openMinute: 840, closeMinute: 1320 },
      { weekday: 7, openMinute: 1200, closeMinute: 1560 },
    ];
    assert.equal(encodeOpeningSpans(spans), '1:360-720,1:840-1320,7:1200-1560');
    assert.deepEqual(decodeOpeningSpans(encodeOpeningSpans(spans)), spans);
    assert.deepEqual(decodeOpeningSpans(''), []);
  });

  it('rejects an item that is not a span', () => {
    assert.throws(() => decodeOpeningSpans('1:0-60,8:0-60'), /span 1/);
    assert.throws(() => decodeOpeningSpans('1:0'), RangeError);
  });
});
