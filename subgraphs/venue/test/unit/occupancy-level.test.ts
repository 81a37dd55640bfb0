import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareToUsual, occupancyLevel, occupancyPercent } from '../../src/occupancy/occupancy-level.ts';

describe('occupancy level', () => {
  it('is relative to capacity when the operator set one', () => {
    const ref = { capacity: 100, usualPeak: 10 };
    assert.equal(occupancyLevel(20, ref), 'NOT_BUSY');
    assert.equal(occupancyLevel(45, ref), 'A_LITTLE_BUSY');
    assert.equal(occupancyLevel(70, ref), 'BUSY');
    assert.equal(occupancyLevel(85, ref), 'VERY_BUSY');
    assert.equal(occupancyLevel(140, ref), 'VERY_BUSY');
  });

  it("is relative to the venue's busiest usual hour without a capacity", () => {
    assert.equal(occupancyLevel(9, { capacity: null, usualPeak: 10 }), 'VERY_BUSY');
    assert.equal(occupancyLevel(5, { capacity: null, usualPeak: 10 }), 'A_LITTLE_BUSY');
  });

  it('is unknown with neither capacity nor history', () => {
    assert.equal(occupancyLevel(50, { capacity: null, usualPeak: null }), null);
  });

  it('never distinguishes one or two people from an empty venue', () => {
    assert.equal(occupancyLevel(2, { capacity: 2, usualPeak: null }), 'NOT_BUSY');
    assert.equal(compareToUsual(2, 0.1), null);
  });

  it('shows a percentage only against a declared capacity', () => {
    assert.equal(occupancyPercent(45, 60), 75);
    assert.equal(occupancyPercent(45, null), null);
  });

  it('compares with the usual value for the hour, ±20 % reading as usual', () => {
    assert.equal(compareToUsual(12, 10), 'AS_USUAL');
    assert.equal(compareToUsual(13, 10), 'BUSIER_THAN_USUAL');
    assert.equal(compareToUsual(7, 10), 'QUIETER_THAN_USUAL');
    assert.equal(compareToUsual(7, null), null);
  });
});
