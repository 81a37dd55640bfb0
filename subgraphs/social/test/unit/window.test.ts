import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isoWeekWindow, nextIsoWeek, resolveWindow } from '../../src/window.ts';

const now = new Date('2026-12-02T04:00:00Z'); // Wednesday of 2026-W49, noon in Shanghai

describe('challenge windows (Asia/Shanghai ISO weeks)', () => {
  it('an ISO week runs Monday 00:00 to next Monday 00:00 Shanghai time', () => {
    assert.deepEqual(isoWeekWindow('2026-W49'), {
      startsAt: new Date('2026-11-29T16:00:00Z'),
      endsAt: new Date('2026-12-06T16:00:00Z'),
    });
    // ISO week 1 of 2027 starts on Monday 2027-01-04.
    assert.equal(isoWeekWindow('2027-W01')?.startsAt.toISOString(), '2027-01-03T16:00:00.000Z');
  });

  it('a malformed or non-existent week is refused', () => {
    assert.equal(isoWeekWindow('2026-49'), null);
    assert.equal(isoWeekWindow('2027-W53'), null); // 2027 has 52 ISO weeks
    assert.equal(isoWeekWindow('2026-W00'), null);
  });

  it('the default window is the next ISO week, also late on Sunday evening Shanghai time', () => {
    assert.equal(nextIsoWeek(now).startsAt.toISOString(), '2026-12-06T16:00:00.000Z');
    // Sunday 23:30 in Shanghai is still week 49: next Monday begins 30 minutes later.
    assert.equal(
      nextIsoWeek(new Date('2026-12-06T15:30:00Z')).startsAt.toISOString(),
      '2026-12-06T16:00:00.000Z',
    );
    // Monday 00:30 Shanghai (Sunday 16:30 UTC) belongs to week 50: default is week 51.
    assert.equal(
      nextIsoWeek(new Date('2026-12-06T16:30:00Z')).startsAt.toISOString(),
      '2026-12-13T16:00:00.000Z',
    );
  });

  it('custom windows last at most 30 days, end after they start and do not start in the past', () => {
    const ok = resolveWindow({ startsAt: '2026-12-03T00:00:00Z', endsAt: '2027-01-02T00:00:00Z' }, now);
    assert.equal(ok.endsAt.toISOString(), '2027-01-02T00:00:00.000Z');
    assert.throws(
      () => resolveWindow({ startsAt: '2026-12-03T00:00:00Z', endsAt: '2027-01-02T00:00:01Z' }, now),
      { extensions: { code: 'INVALID_WINDOW' } },
    );
    assert.throws(
      () => resolveWindow({ startsAt: '2026-12-03T00:00:00Z', endsAt: '2026-12-03T00:00:00Z' }, now),
      { extensions: { code: 'INVALID_WINDOW' } },
    );
    assert.throws(
      () => resolveWindow({ startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-04T00:00:00Z' }, now),
      { extensions: { code: 'INVALID_WINDOW' } },
    );
    assert.throws(() => resolveWindow({ startsAt: '2026-12-03T00:00:00Z' }, now), {
      extensions: { code: 'INVALID_WINDOW' },
    });
    assert.throws(() => resolveWindow({ startsAt: 'tomorrow', endsAt: '2026-12-04T00:00:00Z' }, now), {
      extensions: { code: 'INVALID_WINDOW' },
    });
    assert.throws(
      () =>
        resolveWindow(
          { week: '2026-W50', startsAt: '2026-12-03T00:00:00Z', endsAt: '2026-12-04T00:00:00Z' },
          now,
        ),
      { extensions: { code: 'INVALID_WINDOW' } },
    );
    assert.throws(() => resolveWindow({ week: '2026-W48' }, now), { extensions: { code: 'INVALID_WINDOW' } });
  });
});
