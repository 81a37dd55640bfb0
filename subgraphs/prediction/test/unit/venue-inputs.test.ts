import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCountSeries, encodeHistorySeries, encodeHourlySeries } from '@sport-venue/shared';
import { hasOpeningHours, holidayRegionFor, toVenueInput } from '../../src/venue-inputs.ts';

describe('venue fields required from the venue subgraph → model input', () => {
  it('sends the time zone, capacity, opening hours, known history hours and booked hours', () => {
    const input = toVenueInput({
      id: '7',
      timeZone: 'Asia/Shanghai',
      capacity: 120,
      forecastInputs: {
        currentHour: '2026-11-24T08:00:00.000Z',
        hourlyOccupancy: ',14.5,0,',
        hourlyBookings: '0,3,0',
        openingSpans: '1:360-720,1:840-1320',
      },
    });
    assert.deepEqual(input, {
      venueId: '7',
      timeZone: 'Asia/Shanghai',
      region: 'CN',
      capacity: 120,
      openingHours: [
        { weekday: 1, openMinute: 360, closeMinute: 720 },
        { weekday: 1, openMinute: 840, closeMinute: 1320 },
      ],
      // The last history value is the hour just before currentHour; nulls are unknown, a 0 is kept.
      history: [
        { at: '2026-11-24T05:00:00.000Z', occupancy: 14.5 },
        { at: '2026-11-24T06:00:00.000Z', occupancy: 0 },
      ],
      bookings: [{ at: '2026-11-24T09:00:00.000Z', count: 3 }],
    });
  });

  it('makes the same model input from the compact wire form as from the dense series', () => {
    const history = Array.from({ length: 360 }, (_, i) => (i < 200 || i % 24 < 7 ? null : (i % 17) + 0.25));
    const bookings = Array.from({ length: 168 }, (_, i) => (i === 5 || i === 30 ? 2 : 0));
    const venue = (hourlyOccupancy: string, hourlyBookings: string) =>
      toVenueInput({
        id: '7',
        timeZone: 'Asia/Shanghai',
        forecastInputs: { currentHour: '2026-11-24T08:00:00.000Z', hourlyOccupancy, hourlyBookings },
      });
    const dense = venue(encodeHourlySeries(history), encodeHourlySeries(bookings));
    const compact = venue(encodeHistorySeries(history), encodeCountSeries(bookings));
    assert.ok(encodeHistorySeries(history).length < encodeHourlySeries(history).length - 190);
    assert.equal(dense.history!.length, history.filter((v) => v !== null).length);
    assert.equal(dense.history!.at(-1)!.at, '2026-11-24T07:00:00.000Z');
    assert.deepEqual(compact, dense);
  });

  it('treats a malformed series as no history rather than failing the forecast', () => {
    const input = toVenueInput({
      id: '7',
      forecastInputs: {
        currentHour: '2026-11-24T08:00:00.000Z',
        hourlyOccupancy: '1,x,3',
        hourlyBookings: '',
      },
    });
    assert.deepEqual([input.history, input.bookings], [[], []]);
  });

  it('sends just the id when the router supplied nothing else', () => {
    assert.deepEqual(toVenueInput({ id: '7' }), { venueId: '7' });
    const withSpans = (openingSpans: string) => ({
      id: '7',
      forecastInputs: {
        currentHour: '2026-11-24T08:00:00.000Z',
        hourlyOccupancy: '',
        hourlyBookings: '',
        openingSpans,
      },
    });
    assert.equal(hasOpeningHours(withSpans('')), false);
    assert.equal(hasOpeningHours(withSpans('3:0-1440')), true);
  });

  it('treats malformed opening hours as unknown rather than failing the forecast', () => {
    const input = toVenueInput({
      id: '7',
      forecastInputs: {
        currentHour: '2026-11-24T08:00:00.000Z',
        hourlyOccupancy: '',
        hourlyBookings: '',
        openingSpans: '1:360-720,8:0-60',
      },
    });
    assert.equal(input.openingHours, undefined);
  });

  it('uses the Chinese holiday calendar for mainland zones only', () => {
    assert.equal(holidayRegionFor('Asia/Shanghai'), 'CN');
    assert.equal(holidayRegionFor('Europe/Zurich'), undefined);
    assert.equal(holidayRegionFor(undefined), undefined);
  });
});
