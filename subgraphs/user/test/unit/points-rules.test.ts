import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  advanceStreak,
  checkinKey,
  parseStreakBonuses,
  planLedger,
  visibleStreak,
  type AccountState,
  type LedgerInput,
  type PointsRules,
} from '../../src/points-rules.ts';

const rules: PointsRules = {
  perCheckin: 10,
  dailyCap: 3,
  streakBonuses: [
    { days: 3, points: 20 },
    { days: 7, points: 50 },
  ],
};
const empty: AccountState = {
  balance: 0,
  lifetimeEarned: 0,
  streak: { current: 0, longest: 0, lastDay: null },
};

/** A counted check-in at noon Asia/Shanghai on the given day. */
const checkin = (id: string, day: string): LedgerInput => ({
  type: 'CHECKIN',
  eventId: id,
  at: new Date(`${day}T12:00:00+08:00`),
});
const command = (
  key: string,
  kind: 'EARN' | 'SPEND' | 'ADJUST' | 'REVERSAL',
  delta: number,
): LedgerInput => ({
  type: 'COMMAND',
  kind,
  delta,
  reason: 'PK_REWARD',
  idempotencyKey: key,
});

const plan = (
  inputs: LedgerInput[],
  state = empty,
  keys: string[] = [],
  days: Array<[string, number]> = [],
) => planLedger(state, inputs, rules, new Set(keys), new Map(days));

describe('points rules', () => {
  it('awards points per counted check-in up to the daily cap', () => {
    const result = plan(['a', 'b', 'c', 'd'].map((id) => checkin(id, '2026-11-24')));
    assert.deepEqual(
      result.entries.map((e) => [e.idempotencyKey, e.delta, e.balanceAfter]),
      [
        ['checkin:a', 10, 10],
        ['checkin:b', 10, 20],
        ['checkin:c', 10, 30],
      ],
    );
    assert.deepEqual([...result.days], [['2026-11-24', 3]]);
  });

  it('counts the cap per Asia/Shanghai day, not per UTC day', () => {
    // 16:30 UTC on the 23rd is 00:30 on the 24th in Shanghai.
    const late: LedgerInput = { type: 'CHECKIN', eventId: 'x', at: new Date('2026-11-23T16:30:00Z') };
    const result = plan([late], empty, [], [['2026-11-23', 3]]);
    assert.equal(result.entries.length, 1);
    assert.deepEqual([...result.days], [['2026-11-24', 1]]);
  });

  it('continues the cap from check-ins already awarded that day', () => {
    const result = plan(
      [checkin('a', '2026-11-24'), checkin('b', '2026-11-24')],
      empty,
      [],
      [['2026-11-24', 2]],
    );
    assert.equal(result.entries.length, 1);
  });

  it('skips inputs whose idempotency key is already in the ledger (redelivery)', () => {
    const result = plan([checkin('a', '2026-11-24'), command('pk:1:reward:7', 'EARN', 100)], empty, [
      checkinKey('a'),
      'pk:1:reward:7',
    ]);
    assert.deepEqual(result.entries, []);
  });

  it('applies a duplicate inside one batch once', () => {
    const result = plan([checkin('a', '2026-11-24'), checkin('a', '2026-11-24')]);
    assert.equal(result.entries.length, 1);
  });

  it('pays the streak bonus when a streak reaches 3 and 7 consecutive days, once each', () => {
    const days = [
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
      '2026-11-07',
    ];
    const result = plan(days.flatMap((d, i) => [checkin(`e${i}`, d), checkin(`f${i}`, d)]));
    const bonuses = result.entries.filter((e) => e.reason.startsWith('STREAK'));
    assert.deepEqual(
      bonuses.map((b) => [b.idempotencyKey, b.delta]),
      [
        ['streak:2026-11-03:3', 20],
        ['streak:2026-11-07:7', 50],
      ],
    );
    assert.equal(result.account.balance, 14 * 10 + 70);
    assert.deepEqual(result.account.streak, { current: 7, longest: 7, lastDay: '2026-11-07' });
  });

  it('restarts the streak after a missed day and keeps the longest', () => {
    let streak = { current: 0, longest: 0, lastDay: null as string | null };
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-04']) streak = advanceStreak(streak, day);
    assert.deepEqual(streak, { current: 1, longest: 2, lastDay: '2026-11-04' });
  });

  it('lets a late check-in for an earlier day earn points without rewriting the streak', () => {
    const state: AccountState = {
      balance: 50,
      lifetimeEarned: 50,
      streak: { current: 2, longest: 2, lastDay: '2026-11-10' },
    };
    const result = plan([checkin('late', '2026-11-05')], state);
    assert.equal(result.entries.length, 1);
    assert.equal(result.account.balance, 60);
    assert.deepEqual(result.account.streak, state.streak);
  });

  it('shows a streak as broken once a whole day passed without a check-in', () => {
    const streak = { current: 4, longest: 6, lastDay: '2026-11-10' };
    assert.equal(visibleStreak(streak, '2026-11-11').current, 4);
    assert.equal(visibleStreak(streak, '2026-11-12').current, 0);
    assert.equal(visibleStreak(streak, '2026-11-12').longest, 6);
  });

  it('refuses a SPEND that would overdraw, and commands with the wrong sign', () => {
    const state = { ...empty, balance: 30, lifetimeEarned: 30 };
    const result = plan(
      [
        command('s1', 'SPEND', -20),
        command('s2', 'SPEND', -20),
        command('e1', 'EARN', -5),
        command('x', 'SPEND', 5),
      ],
      state,
    );
    assert.deepEqual(
      result.entries.map((e) => e.idempotencyKey),
      ['s1'],
    );
    assert.deepEqual(
      result.refused.map((r) => r.idempotencyKey),
      ['s2', 'e1', 'x'],
    );
    assert.equal(result.account.balance, 10);
  });

  it('lets reversals and adjustments take the balance below zero (clawback)', () => {
    const result = plan([command('r', 'REVERSAL', -40)], { ...empty, balance: 10, lifetimeEarned: 10 });
    assert.equal(result.account.balance, -30);
  });

  it('keeps balanceAfter a running sum and lifetimeEarned to EARN entries only', () => {
    const result = plan([
      checkin('a', '2026-11-24'),
      command('pk', 'EARN', 100),
      command('buy', 'SPEND', -30),
      command('fix', 'ADJUST', 5),
    ]);
    let running = 0;
    for (const entry of result.entries) {
      running += entry.delta;
      assert.equal(entry.balanceAfter, running);
    }
    assert.equal(result.account.balance, 85);
    assert.equal(result.account.lifetimeEarned, 110);
  });

  it('parses streak bonus settings', () => {
    assert.deepEqual(parseStreakBonuses('7:50, 3:20'), [
      { days: 3, points: 20 },
      { days: 7, points: 50 },
    ]);
    assert.deepEqual(parseStreakBonuses(''), []);
    for (const bad of ['3', '1:10', '3:0', '3:10,3:20', 'a:b']) assert.throws(() => parseStreakBonuses(bad));
  });
});
