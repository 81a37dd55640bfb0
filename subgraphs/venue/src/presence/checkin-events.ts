import type { CheckinEvent } from '@sport-venue/shared';
import type { SessionFacts } from './presence-store.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The `checkin.events` v1 message for a session that started. */
export function checkedInEvent(s: SessionFacts): CheckinEvent {
  return {
    v: 1,
    id: s.eventId,
    type: 'CHECKED_IN',
    userId: s.userId,
    venueId: s.venueId,
    cityCode: s.cityCode,
    sessionId: s.sessionId,
    at: iso(s.startedAt),
    counted: s.counted,
    source: s.source,
  };
}

/**
 * The message for a session that ended. `counted` repeats the check-in's flag; `minutes` are
 * real presence whether or not the check-in counted for points.
 */
export function checkedOutEvent(s: SessionFacts): CheckinEvent {
  return {
    v: 1,
    id: s.eventId,
    type: 'CHECKED_OUT',
    userId: s.userId,
    venueId: s.venueId,
    cityCode: s.cityCode,
    sessionId: s.sessionId,
    at: iso(s.endedAt ?? s.startedAt),
    counted: s.counted,
    minutes: s.minutes ?? 0,
    reason: s.reason ?? 'EXPLICIT',
    source: s.source,
  };
}
