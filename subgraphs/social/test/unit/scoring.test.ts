import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CheckinEvent } from '@sport-venue/shared';
import { applyCheckin, emptyProgress, type Progress, type ScoringChallenge } from '../../src/scoring.ts';

const window = { startsAt: new Date('2026-11-29T16:00:00Z'), endsAt: new Date('2026-12-06T16:00:00Z') };
const rules = { dailyMinutesCap: 120 };
const event = (over: Partial<CheckinEvent>): CheckinEvent => ({
  v: 1,
  id: randomUUID(),
  type: 'CHECKED_IN',
  userId: '1',
  venueId: '7',
  cityCode: '310000',
  sessionId: randomUUID(),
  at: '2026-12-01T02:00:00.000Z',
  counted: true,
  source: 'GPS',
  ...over,
});
const run = (challenge: ScoringChallenge, events: CheckinEvent[]) =>
  events.reduce<Progress>((p, e) => applyCheckin(p, e, challenge, rules) ?? p, emptyProgress());

describe('PK scoring', () => {
  const days: ScoringChallenge = { ...window, type: 'CHECKIN_DAYS', venueId: null };
  const minutes: ScoringChallenge = { ...window, type: 'WORKOUT_MINUTES', venueId: null };

  it('CHECKIN_DAYS counts distinct Shanghai days with a counted check-in', () => {
    const p = run(days, [
      event({ at: '2026-12-01T02:00:00Z' }),
      event({ at: '2026-12-01T10:00:00Z' }), // 18:00 same Shanghai day
      event({ at: '2026-12-01T17:00:00Z' }), // 01:00 next Shanghai day
      event({ at: '2026-12-03T02:00:00Z', counted: false }),
      event({ type: 'CHECKED_OUT', minutes: 60, at: '2026-12-04T02:00:00Z' }),
    ]);
    assert.equal(p.score, 2);
    assert.deepEqual(p.days, ['2026-12-01', '2026-12-02']);
    assert.equal(p.achievedAt?.toISOString(), '2026-12-01T17:00:00.000Z');
  });

  it('the same event applied twice counts once', () => {
    const e = event({ type: 'CHECKED_OUT', minutes: 30 });
    const once = applyCheckin(emptyProgress(), e, minutes, rules)!;
    assert.equal(once.score, 30);
    assert.equal(applyCheckin(once, e, minutes, rules), null);
  });

  it('WORKOUT_MINUTES counts check-out minutes, capped per Shanghai day', () => {
    const p = run(minutes, [
      event({ type: 'CHECKED_OUT', minutes: 90, at: '2026-12-01T02:00:00Z' }),
      event({ type: 'CHECKED_OUT', minutes: 90, at: '2026-12-01T08:00:00Z' }), // only 30 fit
      event({ type: 'CHECKED_OUT', minutes: 50, at: '2026-12-01T09:00:00Z' }), // nothing fits
      event({ type: 'CHECKED_OUT', minutes: 40, at: '2026-12-02T02:00:00Z' }),
      event({ type: 'CHECKED_IN' }),
    ]);
    assert.equal(p.score, 160);
    assert.deepEqual(p.minutesByDay, { '2026-12-01': 120, '2026-12-02': 40 });
  });

  it('only events inside the window and at the restricted venue count', () => {
    const atVenue: ScoringChallenge = { ...days, venueId: '7' };
    const p = run(atVenue, [
      event({ venueId: '8', at: '2026-12-01T02:00:00Z' }),
      event({ at: '2026-11-29T15:59:59Z' }), // Sunday before, Shanghai time
      event({ at: '2026-12-06T16:00:00Z' }), // window end is exclusive
      event({ at: '2026-12-05T02:00:00Z' }),
    ]);
    assert.equal(p.score, 1);
  });
});
