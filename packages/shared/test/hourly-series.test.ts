import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeHourlySeries,
  encodeCountSeries,
  encodeHistorySeries,
  encodeHourlySeries,
} from '../src/hourly-series.ts';

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

  it('leaves out a history’s leading unknown hours but keeps its trailing ones in place', () => {
    assert.equal(encodeHistorySeries([null, null, 4, null, 2.5, null]), '4,,2.5,');
    assert.equal(encodeHistorySeries([null, null]), '');
    assert.equal(encodeHistorySeries([0, null]), '0,');
  });

  it('leaves out the trailing hours without counts but keeps the zeros before a count', () => {
    assert.equal(encodeCountSeries([0, 3, 0, 0]), '0,3');
    assert.equal(encodeCountSeries([0, 0, 0]), '');
    assert.equal(encodeCountSeries([2]), '2');
  });
});
