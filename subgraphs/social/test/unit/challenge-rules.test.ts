import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  cancelRefusal,
  cleanText,
  displayStatus,
  joinRefusal,
  leaveRefusal,
  resolveCap,
  type ChallengeFacts,
} from '../../src/challenge-rules.ts';
import { rewardsFor } from '../../src/rewards.ts';

const now = new Date('2026-12-02T04:00:00Z');
const challenge = (over: Partial<ChallengeFacts> = {}): ChallengeFacts => ({
  creatorId: '1',
  type: 'CHECKIN_DAYS',
  status: 'OPEN',
  visibility: 'INVITE',
  startsAt: new Date('2026-12-06T16:00:00Z'),
  endsAt: new Date('2026-12-13T16:00:00Z'),
  maxParticipants: 3,
  memberIds: ['1'],
  ...over,
});
const codeOf = (err: unknown) => (err as { extensions?: { code?: string } } | null)?.extensions?.code ?? null;

describe('challenge rules', () => {
  it('joining: full, ended and cancelled challenges refuse with their own codes; joining twice is fine', () => {
    assert.equal(joinRefusal(challenge(), '2', now), null);
    assert.equal(codeOf(joinRefusal(challenge({ memberIds: ['1', '2', '3'] }), '4', now)), 'CHALLENGE_FULL');
    assert.equal(joinRefusal(challenge({ memberIds: ['1', '2', '3'] }), '3', now), null);
    assert.equal(codeOf(joinRefusal(challenge({ endsAt: now }), '2', now)), 'CHALLENGE_ENDED');
    assert.equal(codeOf(joinRefusal(challenge({ status: 'SETTLED' }), '2', now)), 'CHALLENGE_ENDED');
    assert.equal(codeOf(joinRefusal(challenge({ status: 'CANCELLED' }), '2', now)), 'CHALLENGE_CANCELLED');
  });

  it('leaving and cancelling are possible only before the start; cancelling only by the creator', () => {
    const c = challenge({ memberIds: ['1', '2'] });
    assert.equal(leaveRefusal(c, '2', now), null);
    assert.equal(codeOf(leaveRefusal(c, '3', now)), 'NOT_A_PARTICIPANT');
    assert.equal(codeOf(leaveRefusal(c, '1', now)), 'FORBIDDEN');
    assert.equal(codeOf(leaveRefusal({ ...c, startsAt: now }, '2', now)), 'CHALLENGE_STARTED');
    assert.equal(cancelRefusal(c, '1', now), null);
    assert.equal(codeOf(cancelRefusal(c, '2', now)), 'FORBIDDEN');
    assert.equal(codeOf(cancelRefusal({ ...c, startsAt: now }, '1', now)), 'CHALLENGE_STARTED');
  });

  it('status is DRAFT before the window and ACTIVE during it', () => {
    assert.equal(displayStatus(challenge(), now), 'DRAFT');
    assert.equal(displayStatus(challenge({ startsAt: now }), now), 'ACTIVE');
    assert.equal(displayStatus(challenge({ status: 'SETTLED' }), now), 'SETTLED');
  });

  it('titles and slogans are trimmed, length-checked in characters and free of control characters', () => {
    assert.equal(cleanText('title', '  一周 打卡  PK ', 2, 30), '一周 打卡 PK');
    assert.throws(() => cleanText('title', '一', 2, 30), {
      extensions: { code: 'BAD_USER_INPUT', field: 'title' },
    });
    assert.throws(() => cleanText('title', '跑'.repeat(31), 2, 30), {
      extensions: { code: 'BAD_USER_INPUT', field: 'title' },
    });
    assert.throws(() => cleanText('title', 'bad\u0000title', 2, 30), {
      extensions: { code: 'BAD_USER_INPUT', field: 'title' },
    });
    assert.throws(() => cleanText('slogan', '<script>', 0, 60), {
      extensions: { code: 'BAD_USER_INPUT', field: 'slogan' },
    });
  });

  it('the cap defaults to 50, allows 2–50, and HEAD_TO_HEAD is always 2', () => {
    assert.equal(resolveCap('CHECKIN_DAYS', null), 50);
    assert.equal(resolveCap('HEAD_TO_HEAD', null), 2);
    assert.throws(() => resolveCap('HEAD_TO_HEAD', 3), {
      extensions: { code: 'BAD_USER_INPUT', field: 'maxParticipants' },
    });
    assert.throws(() => resolveCap('WORKOUT_MINUTES', 51), {
      extensions: { code: 'BAD_USER_INPUT', field: 'maxParticipants' },
    });
    assert.throws(() => resolveCap('WORKOUT_MINUTES', 1), {
      extensions: { code: 'BAD_USER_INPUT', field: 'maxParticipants' },
    });
  });

  it('rewards follow the shared rank, go only to participants with progress, keyed per challenge and user', () => {
    const rewards = rewardsFor('c1', 'CHECKIN_DAYS', [
      { userId: 'a', score: 3, rank: 1 },
      { userId: 'b', score: 3, rank: 1 },
      { userId: 'c', score: 2, rank: 3 },
      { userId: 'd', score: 1, rank: 4 },
      { userId: 'e', score: 0, rank: 5 },
    ]);
    assert.deepEqual(
      rewards.map((r) => [r.userId, r.points, r.idempotencyKey]),
      [
        ['a', 100, 'pk:c1:reward:a'],
        ['b', 100, 'pk:c1:reward:b'],
        ['c', 30, 'pk:c1:reward:c'],
        ['d', 10, 'pk:c1:reward:d'],
      ],
    );
  });
});
