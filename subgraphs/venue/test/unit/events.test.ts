import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bookingEventV1, checkinEventV1 } from '@sport-venue/shared';
import { bookingEvent } from '../../src/bookings/booking-events.ts';
import { checkedInEvent, checkedOutEvent } from '../../src/presence/checkin-events.ts';
import type { SessionFacts } from '../../src/presence/presence-store.ts';

const session: SessionFacts = {
  sessionId: randomUUID(),
  eventId: randomUUID(),
  userId: '42',
  venueId: '7',
  cityCode: '310000',
  source: 'GPS',
  counted: false,
  startedAt: Date.parse('2026-12-01T02:00:00Z'),
  expiresAt: Date.parse('2026-12-01T03:30:00Z'),
};

describe('event contracts', () => {
  it('a check-in is a valid checkin.events v1 CHECKED_IN carrying whether it counted', () => {
    const event = checkinEventV1.parse(checkedInEvent(session));
    assert.equal(event.type, 'CHECKED_IN');
    assert.equal(event.counted, false);
    assert.equal(event.at, '2026-12-01T02:00:00.000Z');
  });

  it('a check-out is a valid CHECKED_OUT with minutes and reason', () => {
    const ended = {
      ...session,
      eventId: randomUUID(),
      endedAt: session.expiresAt,
      minutes: 90,
      reason: 'AUTO' as const,
    };
    const event = checkinEventV1.parse(checkedOutEvent(ended));
    assert.deepEqual(
      [event.type, event.minutes, event.reason, event.at],
      ['CHECKED_OUT', 90, 'AUTO', '2026-12-01T03:30:00.000Z'],
    );
  });

  it('a booking change is a valid booking.events v1 message with scoped ids', () => {
    const slot = {
      id: 5n,
      venueId: 7n,
      resource: 'court 1',
      startsAt: new Date('2026-12-03T11:00:00Z'),
      endsAt: new Date('2026-12-03T12:00:00Z'),
      capacity: 4,
      booked: 1,
      createdAt: new Date(),
    };
    const booking = {
      id: 9n,
      venueId: 7n,
      slotId: 5n,
      userId: 42n,
      status: 'CONFIRMED',
      createdAt: new Date(),
      updatedAt: new Date(),
      confirmedAt: new Date(),
      cancelledAt: null,
      slot,
    };
    const event = bookingEventV1.parse(bookingEvent('CONFIRMED', booking, new Date('2026-12-01T02:00:00Z')));
    assert.deepEqual([event.bookingId, event.slotId, event.venueId], ['7-9', '7-5', '7']);
  });
});
