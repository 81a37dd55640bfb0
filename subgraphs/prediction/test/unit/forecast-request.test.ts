import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidForecastRequest, parseForecastRequest } from '../../src/model-server/forecast-request.ts';

const now = new Date('2026-11-24T08:42:10Z');

describe('Forecast request validation', () => {
  it('floors the start to its hour, defaults it to now and maps venue inputs', () => {
    const parsed = parseForecastRequest(
      {
        venues: [
          { venueId: 'a' },
          {
            venueId: 'b',
            timeZone: 'Asia/Shanghai',
            region: 'CN',
            capacity: 300,
            history: [{ at: '2026-11-24T07:00:00Z', occupancy: 12 }, { at: '2026-11-24T06:00:00Z' }],
          },
        ],
        horizonHours: 6,
      },
      now,
    );
    assert.equal(parsed.origin.toISOString(), '2026-11-24T08:00:00.000Z');
    assert.equal(parsed.horizonHours, 6);
    assert.deepEqual(parsed.venues[0], { venue: 'a' });
    assert.equal(parsed.venues[1]!.capacity, 300);
    assert.equal(parsed.venues[1]!.region, 'CN');
    assert.deepEqual(
      parsed.venues[1]!.history!.map((h) => h.occupancy),
      [12, null],
      'an absent occupancy is unknown, not zero',
    );
    const later = parseForecastRequest(
      { venues: [{ venueId: 'a' }], horizonHours: 1, startTime: '2026-12-01T10:30:00+01:00' },
      now,
    );
    assert.equal(later.origin.toISOString(), '2026-12-01T09:00:00.000Z');
  });

  it("passes the venue's time zone, confirmed bookings and opening hours on to the model", () => {
    const parsed = parseForecastRequest(
      {
        venues: [
          {
            venueId: 'b',
            timeZone: 'Asia/Shanghai',
            bookings: [{ at: '2026-11-24T09:00:00Z', count: 4 }],
            openingHours: [{ weekday: 2, openMinute: 360, closeMinute: 1320 }],
          },
        ],
        horizonHours: 6,
      },
      now,
    );
    assert.deepEqual(parsed.venues[0], {
      venue: 'b',
      timeZone: 'Asia/Shanghai',
      bookings: [{ at: new Date('2026-11-24T09:00:00Z'), count: 4 }],
      openingHours: [{ weekday: 2, openMinute: 360, closeMinute: 1320 }],
    });
  });

  it('rejects horizons outside 1..168, empty or oversized batches and malformed fields', () => {
    const venue = { venueId: 'a' };
    const cases: Array<[Parameters<typeof parseForecastRequest>[0], RegExp]> = [
      [{ venues: [venue], horizonHours: 0 }, /horizon_hours/],
      [{ venues: [venue], horizonHours: 169 }, /horizon_hours/],
      [{ venues: [venue] }, /horizon_hours/],
      [{ venues: [], horizonHours: 6 }, /at least one venue/],
      [{ venues: Array.from({ length: 101 }, () => venue), horizonHours: 6 }, /at most 100/],
      [{ venues: [{ venueId: '' }], horizonHours: 6 }, /venue_id/],
      [{ venues: [{ venueId: 'a', timeZone: 'Mars/Olympus' }], horizonHours: 6 }, /time_zone/],
      [{ venues: [{ venueId: 'a', region: 'XX' }], horizonHours: 6 }, /region/],
      [{ venues: [{ venueId: 'a', history: [{ at: 'yesterday' }] }], horizonHours: 6 }, /history\[0\]/],
      [{ venues: [venue], horizonHours: 6, startTime: 'soon' }, /start_time/],
      [
        { venues: [{ venueId: 'a', bookings: [{ at: 'noon', count: 3 }] }], horizonHours: 6 },
        /bookings\[0\]/,
      ],
      [
        {
          venues: [{ venueId: 'a', openingHours: [{ weekday: 8, openMinute: 0, closeMinute: 60 }] }],
          horizonHours: 6,
        },
        /opening_hours\[0\]\.weekday/,
      ],
      [
        {
          venues: [{ venueId: 'a', openingHours: [{ weekday: 1, openMinute: 600, closeMinute: 540 }] }],
          horizonHours: 6,
        },
        /opening_hours\[0\]/,
      ],
    ];
    for (const [message, reason] of cases) {
      assert.throws(
        () => parseForecastRequest(message, now),
        (err: Error) => {
          assert.ok(err instanceof InvalidForecastRequest);
          assert.match(err.message, reason);
          return true;
        },
      );
    }
  });
});
