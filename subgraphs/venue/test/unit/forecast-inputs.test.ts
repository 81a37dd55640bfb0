import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bookingsPerHour, hourlySeries } from '../../src/forecasts/forecast-inputs.ts';

const HOUR = 3_600_000;
const from = new Date('2026-12-01T02:00:00Z');
const hour = (h: number) => from.getTime() / HOUR + h;

describe('forecast input series', () => {
  it('places hourly means by hour, rounds to cents and drops hours outside the range', () => {
    const rows = [
      { hour: hour(0), mean: 3.14159 },
      { hour: hour(2), mean: 8 },
      { hour: hour(-1), mean: 1 },
      { hour: hour(3), mean: 1 },
    ];
    assert.deepEqual(hourlySeries(rows, from, 3), [3.14, null, 8]);
  });

  it('adds booked seats to every hour a slot overlaps, clipped to the range', () => {
    const at = (h: number) => new Date(from.getTime() + h * HOUR);
    const slots = [
      { startsAt: at(-1), endsAt: at(1), booked: 2 },
      { startsAt: at(1.5), endsAt: at(2.25), booked: 3 },
      { startsAt: at(2), endsAt: at(9), booked: 1 },
      { startsAt: at(0), endsAt: at(1), booked: 0 },
    ];
    assert.deepEqual(bookingsPerHour(slots, from, 4), [2, 3, 4, 1]);
  });
});
