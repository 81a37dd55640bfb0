import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasOpeningHours, holidayRegionFor, toVenueInput } from '../../src/venue-inputs.ts';

describe('venue fields required from the venue subgraph → model input', () => {
  it('sends the time zone, capacity, opening hours, known history hours and booked hours', () => {
    const input = toVenueInput({
      id: '7',
      timeZone: 'Asia/Shanghai',
      capacity: 120,
      openingHours: [
        {
          weekday: 1,
          spans: [
            { openMinute: 360, closeMinute: 720 },
            { openMinute: 840, closeMinute: 1320 },
          ],
        },
        { weekday: 2, spans: [] },
      ],
      forecastInputs: {
        currentHour: '2026-11-24T08:00:00.000Z',
        hourlyOccupancy: ',14.5,0,',
        hourlyBookings: '0,3,0',
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
    assert.equal(hasOpeningHours({ id: '7', openingHours: [{ weekday: 1, spans: [] }] }), false);
  });

  it('uses the Chinese holiday calendar for mainland zones only', () => {
    assert.equal(holidayRegionFor('Asia/Shanghai'), 'CN');
    assert.equal(holidayRegionFor('Europe/Zurich'), undefined);
    assert.equal(holidayRegionFor(undefined), undefined);
  });
});
