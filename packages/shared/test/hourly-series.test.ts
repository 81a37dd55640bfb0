import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHourlySeries, encodeHourlySeries } from '../src/hourly-series.ts';

describe('hourly series wire form', () => {
  it('round-trips numbers and unknown hours, keeping a zero distinct from unknown', () => {
    const values = [12.5, null, 0, 3, null];
    assert.equal(encodeHourlySeries(values), '12.5,,0,3,');
    assert.deepEqual(decodeHourlySeries(encodeHourlySeries(values)), values);
    assert.deepEqual(decodeHourlySeries(''), []);
  });

  it('rejects an item that is not a finite number', () => {
    assert.throws(() => decodeHourlySeries('1,abc,3'), /item 1/);
    assert.throws(() => decodeHourlySeries('1,Infinity'), RangeError);
  });
});
