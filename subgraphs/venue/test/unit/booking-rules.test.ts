import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canTransition,
  cancellationOutcome,
  freeCancellationUntil,
  parseInstant,
  validateSlot,
} from '../../src/bookings/booking-rules.ts';

const slotStart = new Date('2026-12-03T19:00:00+08:00');
const hoursBefore = (h: number) => new Date(slotStart.getTime() - h * 3_600_000);

describe('booking state machine', () => {
  it('moves confirmed bookings forward only', () => {
    assert.equal(canTransition('CONFIRMED', 'CANCELLED'), true);
    assert.equal(canTransition('CONFIRMED', 'CHECKED_IN'), true);
    assert.equal(canTransition('CHECKED_IN', 'COMPLETED'), true);
    assert.equal(canTransition('COMPLETED', 'CANCELLED'), false);
    assert.equal(canTransition('NO_SHOW', 'CONFIRMED'), false);
    assert.equal(canTransition('CHECKED_IN', 'CANCELLED'), false);
  });

  it('lets a cancelled booking be confirmed again (booking the slot again)', () => {
    assert.equal(canTransition('CANCELLED', 'CONFIRMED'), true);
    assert.equal(canTransition('LATE_CANCELLED', 'CONFIRMED'), true);
  });
});

describe('cancellation window', () => {
  it('is free until 12 hours before the slot', () => {
    assert.equal(cancellationOutcome(slotStart, hoursBefore(13), 12), 'CANCELLED');
    assert.deepEqual(freeCancellationUntil(slotStart, 12), hoursBefore(12));
  });

  it('is late within 12 hours, and closed once the slot started', () => {
    assert.equal(cancellationOutcome(slotStart, hoursBefore(12), 12), 'LATE_CANCELLED');
    assert.equal(cancellationOutcome(slotStart, hoursBefore(0.5), 12), 'LATE_CANCELLED');
    assert.equal(cancellationOutcome(slotStart, slotStart, 12), 'CLOSED');
  });
});

describe('slot input', () => {
  const now = new Date('2026-12-01T10:00:00+08:00');
  const ok = {
    resource: '羽毛球 3 号场',
    startsAt: '2026-12-03T19:00:00+08:00',
    endsAt: '2026-12-03T20:00:00+08:00',
    capacity: 4,
  };

  it('accepts a future slot of 5 minutes to 24 hours', () => {
    const slot = validateSlot(ok, now);
    assert.deepEqual(slot.startsAt, slotStart);
    assert.equal(slot.capacity, 4);
  });

  it('refuses past, reversed, overlong or zero-capacity slots and zone-less times', () => {
    for (const bad of [
      { ...ok, startsAt: '2026-11-30T19:00:00+08:00' },
      { ...ok, endsAt: '2026-12-03T18:00:00+08:00' },
      { ...ok, endsAt: '2026-12-05T20:00:00+08:00' },
      { ...ok, capacity: 0 },
      { ...ok, startsAt: '2026-12-03T19:00:00' },
      { ...ok, resource: '' },
    ])
      assert.throws(
        () => validateSlot(bad, now),
        (err: { extensions: { code: string } }) => err.extensions.code === 'BAD_USER_INPUT',
      );
  });

  it('parses instants with an explicit zone only', () => {
    assert.deepEqual(parseInstant('2026-12-03T11:00:00Z', 'at'), slotStart);
    assert.throws(() => parseInstant('next tuesday', 'at'), /ISO 8601/);
  });
});
