// The user's own view: profile updates with validation and the content-check hook, private fields,
// stats from Redis, and points with history pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisKeys, userStatsField } from '@sport-venue/shared';
import { applyLedgerInputs } from '../src/points-ledger.ts';
import type { ContentCheck } from '../src/profile.ts';
import { asUser, codeOf, startUserForTest, type UserUnderTest } from './support.ts';
import { ensureWeChatUser } from '../src/user-store.ts';

const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id nickname avatarUrl cityCode } }`;

// Stands in for WeChat msgSecCheck through the hook the subgraph exposes for it.
const contentCheck: ContentCheck = async (text) =>
  text.includes('违规') ? 'RISKY' : text.includes('待审') ? 'REVIEW' : 'PASS';

describe('users', () => {
  let t: UserUnderTest;
  let redis: Redis;
  let me: ReturnType<typeof asUser>;
  let other: ReturnType<typeof asUser>;

  before(async () => {
    t = await startUserForTest({}, { contentCheck });
    redis = new Redis(t.redisUrl);
    me = asUser((await ensureWeChatUser(t.db, { openid: 'o-test-me', nickname: '小王' })).id);
    other = asUser((await ensureWeChatUser(t.db, { openid: 'o-test-other' })).id);
  });
  after(async () => {
    redis?.disconnect();
    await t?.stop();
  });

  it('updates nickname, avatar and city of the caller', async () => {
    const result = await t.graphql(
      UPDATE,
      {
        input: { nickname: ' 跑者小王🏃 ', avatarUrl: 'https://thirdwx.qlogo.cn/a/132', cityCode: '310000' },
      },
      me,
    );
    assert.deepEqual(result.data, {
      updateProfile: {
        id: me.userId,
        nickname: '跑者小王🏃',
        avatarUrl: 'https://thirdwx.qlogo.cn/a/132',
        cityCode: '310000',
      },
    });
  });

  it('refuses an invalid or flagged profile and changes nothing', async () => {
    const before = await t.db.user.findUniqueOrThrow({ where: { id: BigInt(me.userId) } });
    const cases: Array<[Record<string, string>, string]> = [
      [{ nickname: 'x'.repeat(21) }, 'BAD_USER_INPUT'],
      [{ nickname: 'ok', avatarUrl: 'http://insecure.example/a.png' }, 'BAD_USER_INPUT'],
      [{ nickname: '违规昵称' }, 'CONTENT_REJECTED'],
      [{ nickname: '待审昵称', cityCode: '110000' }, 'CONTENT_UNDER_REVIEW'],
    ];
    for (const [input, code] of cases) assert.equal(codeOf(await t.graphql(UPDATE, { input }, me)), code);
    assert.deepEqual(await t.db.user.findUniqueOrThrow({ where: { id: BigInt(me.userId) } }), before);
    assert.equal(codeOf(await t.graphql(UPDATE, { input: { nickname: 'anon' } })), 'UNAUTHENTICATED');
  });

  it('shows roles, points, streak and stats only to the user and to admins', async () => {
    const query = `query($id: ID!) { user(id: $id) { nickname roles points { balance } streak { current } stats(period: WEEK) { checkins } } }`;
    const own = await t.graphql(query, { id: me.userId }, me);
    assert.equal(own.errors, undefined, JSON.stringify(own.errors));
    const asAdmin = await t.graphql(query, { id: me.userId }, asUser(424242, ['USER', 'ADMIN']));
    assert.equal(asAdmin.errors, undefined);

    const foreign = await t.graphql<{ user: Record<string, unknown> }>(query, { id: me.userId }, other);
    assert.equal(foreign.data!.user.nickname, '跑者小王🏃');
    assert.deepEqual([foreign.data!.user.roles, foreign.data!.user.points], [null, null]);
    assert.deepEqual(new Set(foreign.errors!.map((e) => e.extensions!.code)), new Set(['FORBIDDEN']));
    const anonymous = await t.graphql(query, { id: me.userId });
    assert.deepEqual(new Set(anonymous.errors!.map((e) => e.extensions!.code)), new Set(['UNAUTHENTICATED']));
  });

  it('reads weekly and monthly check-ins and minutes from user:{id}:stats, for now or a past instant', async () => {
    const past = new Date('2026-03-04T10:00:00Z');
    // "Now" is the subgraph's clock: when a Shanghai week or month turns between writing the
    // fields and reading them (Sunday or the month's last day, 16:00 UTC), the read is of the new
    // period on purpose; then write and read once more.
    const periods = (at: Date) =>
      [userStatsField('checkins', 'week', at), userStatsField('checkins', 'month', at)].join();
    for (let attempt = 0; ; attempt++) {
      const now = new Date();
      await redis.hset(redisKeys.userStats(me.userId), {
        [userStatsField('checkins', 'week', now)]: 4,
        [userStatsField('minutes', 'week', now)]: 185,
        [userStatsField('checkins', 'month', now)]: 9,
        [userStatsField('minutes', 'month', now)]: 410,
        [userStatsField('checkins', 'month', past)]: 2,
      });
      const result = await t.graphql(
        `query($at: String) { me {
          week: stats(period: WEEK) { period key checkins minutes }
          month: stats(period: MONTH) { checkins minutes }
          march: stats(period: MONTH, at: $at) { key checkins minutes }
        } }`,
        { at: past.toISOString() },
        me,
      );
      if (attempt === 0 && periods(new Date()) !== periods(now)) continue;
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      assert.deepEqual(result.data, {
        me: {
          week: {
            period: 'WEEK',
            key: userStatsField('checkins', 'week', now).split(':')[2],
            checkins: 4,
            minutes: 185,
          },
          month: { checkins: 9, minutes: 410 },
          march: { key: '2026-03', checkins: 2, minutes: 0 },
        },
      });
      break;
    }
    const bad = await t.graphql(`{ me { stats(period: WEEK, at: "yesterday") { checkins } } }`, {}, me);
    assert.equal(codeOf(bad), 'BAD_USER_INPUT');
  });

  it('shows balance, lifetime earned, streak and pages through the ledger newest first', async () => {
    const userId = BigInt(me.userId);
    const rules = { perCheckin: 10, dailyCap: 3, streakBonuses: [{ days: 2, points: 5 }] };
    const today = new Date();
    const yesterday = new Date(today.getTime() - 86_400_000);
    await applyLedgerInputs(
      t.db,
      userId,
      [
        { type: 'CHECKIN', eventId: randomUUID(), at: yesterday },
        { type: 'CHECKIN', eventId: randomUUID(), at: today },
        { type: 'COMMAND', kind: 'SPEND', delta: -8, reason: 'REDEEM_TOWEL', idempotencyKey: 'redeem:1' },
      ],
      rules,
    );

    const page = `query($after: String) { me { points { balance lifetimeEarned
      history(first: 2, after: $after) { edges { cursor node { delta kind reason balanceAfter createdAt } } pageInfo { hasNextPage endCursor } } }
      streak { current longest lastDay } } }`;
    type Page = {
      me: {
        points: {
          balance: number;
          lifetimeEarned: number;
          history: {
            edges: Array<{ node: { delta: number; kind: string; reason: string; balanceAfter: number } }>;
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        };
        streak: { current: number; longest: number };
      };
    };
    const first = await t.graphql<Page>(page, {}, me);
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    const points = first.data!.me.points;
    assert.deepEqual([points.balance, points.lifetimeEarned], [17, 25]);
    assert.deepEqual(first.data!.me.streak.current, 2);
    assert.deepEqual(
      points.history.edges.map((e) => [e.node.kind, e.node.reason, e.node.delta, e.node.balanceAfter]),
      [
        ['SPEND', 'REDEEM_TOWEL', -8, 17],
        ['EARN', 'STREAK_2_DAYS', 5, 25],
      ],
    );
    assert.equal(points.history.pageInfo.hasNextPage, true);
    const second = await t.graphql<Page>(page, { after: points.history.pageInfo.endCursor }, me);
    assert.deepEqual(
      second.data!.me.points.history.edges.map((e) => e.node.balanceAfter),
      [20, 10],
    );
    assert.equal(second.data!.me.points.history.pageInfo.hasNextPage, false);
    assert.equal(codeOf(await t.graphql(page, { after: 'forged' }, me)), 'BAD_USER_INPUT');
  });

  it('resolves user references from other subgraphs in one batch', async () => {
    const result = await t.graphql<{ _entities: Array<{ id: string } | null> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id nickname } } }`,
      {
        r: [
          { __typename: 'User', id: other.userId },
          { __typename: 'User', id: me.userId },
          { __typename: 'User', id: 'x' },
        ],
      },
    );
    assert.deepEqual(result.data?._entities, [
      { id: other.userId, nickname: null },
      { id: me.userId, nickname: '跑者小王🏃' },
      null,
    ]);
  });
});
