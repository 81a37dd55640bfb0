import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rewardsFor } from '../../src/rewards.ts';
import { encodeScore, rankEntries, type RankedEntry } from '../../src/ranking.ts';
import {
  asContributions,
  maxGoal,
  MIN_GOAL_MINUTES,
  resolveGoal,
  teamProgress,
  teamTotal,
  windowDays,
} from '../../src/team-goal.ts';

// ISO week 2026-W49: Monday 2026-11-30 00:00 to Monday 2026-12-07 00:00, Asia/Shanghai.
const week = { startsAt: new Date('2026-11-29T16:00:00Z'), endsAt: new Date('2026-12-06T16:00:00Z') };
const limits = { maxParticipants: 5, dailyMinutesCap: 180, window: week };

describe('TEAM_GOAL rules', () => {
  it('a TEAM_GOAL needs a goal between 60 minutes and what a full team can be credited in the window', () => {
    assert.equal(resolveGoal('TEAM_GOAL', 600, limits), 600);
    assert.equal(resolveGoal('TEAM_GOAL', MIN_GOAL_MINUTES, limits), 60);
    assert.equal(maxGoal(5, 180, week), 5 * 180 * 7);
    assert.equal(resolveGoal('TEAM_GOAL', 6300, limits), 6300, 'the largest reachable goal is accepted');
    assert.throws(() => resolveGoal('TEAM_GOAL', 6301, limits), {
      extensions: { code: 'BAD_USER_INPUT', field: 'goal' },
    });
    assert.throws(() => resolveGoal('TEAM_GOAL', 59, limits), {
      extensions: { code: 'BAD_USER_INPUT', field: 'goal' },
    });
    assert.throws(() => resolveGoal('TEAM_GOAL', 0, limits), {
      extensions: { code: 'BAD_USER_INPUT', field: 'goal' },
    });
    assert.throws(() => resolveGoal('TEAM_GOAL', -100, limits), {
      extensions: { code: 'BAD_USER_INPUT', field: 'goal' },
    });
    assert.throws(() => resolveGoal('TEAM_GOAL', 120.5, limits), {
      extensions: { code: 'BAD_USER_INPUT', field: 'goal' },
    });
    assert.throws(() => resolveGoal('TEAM_GOAL', null, limits), {
      extensions: { code: 'BAD_USER_INPUT', field: 'goal' },
    });
    assert.throws(() => resolveGoal('TEAM_GOAL', undefined, limits), {
      extensions: { code: 'BAD_USER_INPUT', field: 'goal' },
    });
  });

  it('the other types refuse a goal and have none', () => {
    for (const type of ['CHECKIN_DAYS', 'WORKOUT_MINUTES', 'HEAD_TO_HEAD'] as const) {
      assert.equal(resolveGoal(type, null, limits), null);
      assert.equal(resolveGoal(type, undefined, limits), null);
      assert.throws(
        () => resolveGoal(type, 600, limits),
        { extensions: { code: 'BAD_USER_INPUT', field: 'goal' } },
        type,
      );
    }
  });

  it('a window counts every Asia/Shanghai day it touches, partial days included', () => {
    assert.equal(windowDays(week), 7);
    // 23:00 to 01:00 Shanghai time touches two days: two daily caps per participant.
    assert.equal(
      windowDays({ startsAt: new Date('2026-12-01T15:00:00Z'), endsAt: new Date('2026-12-01T17:00:00Z') }),
      2,
    );
    // An end at local midnight is exclusive: that day is not touched.
    assert.equal(
      windowDays({ startsAt: new Date('2026-12-01T16:00:00Z'), endsAt: new Date('2026-12-02T16:00:00Z') }),
      1,
    );
  });

  it('progress is the total against the goal; percent is floored and 100 exactly when reached', () => {
    assert.deepEqual(teamProgress(0, 600), { total: 0, goal: 600, reached: false, percent: 0 });
    assert.deepEqual(teamProgress(599, 600), { total: 599, goal: 600, reached: false, percent: 99 });
    assert.deepEqual(teamProgress(600, 600), { total: 600, goal: 600, reached: true, percent: 100 });
    assert.deepEqual(teamProgress(900, 600), { total: 900, goal: 600, reached: true, percent: 100 });
    assert.equal(teamTotal([{ score: 100 }, { score: 0 }, { score: 45 }]), 145);
  });

  it('the team board lists contributions in board order with everyone at rank 1', () => {
    const at = (s: number) => new Date(week.startsAt.getTime() + s * 1000);
    const ranked = rankEntries([
      { userId: 'a', encoded: encodeScore(90, at(50), week.startsAt) },
      { userId: 'b', encoded: encodeScore(30, at(10), week.startsAt) },
      { userId: 'c', encoded: encodeScore(30, at(20), week.startsAt) },
      { userId: 'd', encoded: encodeScore(0, week.startsAt, week.startsAt) },
    ]);
    assert.deepEqual(
      ranked.map((e) => e.rank),
      [1, 2, 2, 4],
      'the competitive ranks it replaces',
    );
    assert.deepEqual(
      asContributions(ranked).map((e) => [e.userId, e.rank, e.score]),
      [
        ['a', 1, 90],
        ['b', 1, 30],
        ['c', 1, 30],
        ['d', 1, 0],
      ],
    );
  });

  it('contributors are rewarded alike only when the team reached its goal; non-contributors never', () => {
    const standings: RankedEntry[] = [
      { userId: 'a', score: 400, rank: 1 },
      { userId: 'b', score: 200, rank: 1 },
      { userId: 'c', score: 0, rank: 1 },
    ];
    assert.deepEqual(
      rewardsFor('c9', 'TEAM_GOAL', standings, 600).map((r) => [r.userId, r.points, r.idempotencyKey]),
      [
        ['a', 30, 'pk:c9:reward:a'],
        ['b', 30, 'pk:c9:reward:b'],
      ],
    );
    assert.deepEqual(rewardsFor('c9', 'TEAM_GOAL', standings, 601), [], 'one minute short: nobody is paid');
    assert.equal(
      rewardsFor('c9', 'TEAM_GOAL', standings, null).length,
      2,
      'a TEAM_GOAL from before goals existed pays its contributors',
    );
  });
});
