// TEAM_GOAL challenges against real FerretDB, Redis and Kafka: the goal at creation, the team total
// under concurrent events, the rank-free board, and settlement that pays only a team that made it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CheckinEvent } from '@sport-venue/shared';
import { eventually } from '@sport-venue/shared/testing';
import { codeOf, startSocialApp, type SocialApp } from './support.ts';

let t: SocialApp;

before(async () => {
  t = await startSocialApp();
});
after(async () => {
  await t?.stop();
});

const CREATE = `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) {
  id inviteCode type teamProgress { total goal reached percent }
} }`;
const JOIN = `mutation($code: String!) { joinChallenge(inviteCode: $code) { id participantCount } }`;
const READ = `query($id: ID!) { challenge(id: $id) {
  status teamProgress { total goal reached percent }
  leaderboard(first: 50) {
    entries { rank score user { id } } me { rank score } neighbours { rank score user { id } }
    teamProgress { total goal reached percent }
  }
} }`;

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const running = () => ({ startsAt: inMinutes(-1), endsAt: inMinutes(60) });

async function createTeam(creator: string, goal: number, members: string[]) {
  const r = await t.graphql(
    CREATE,
    { input: { title: '团队目标 PK', type: 'TEAM_GOAL', goal, ...running() } },
    creator,
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const c = r.data!.createChallenge as { id: string; inviteCode: string };
  for (const u of members) {
    const joined = await t.graphql(JOIN, { code: c.inviteCode }, u);
    assert.equal(joined.errors, undefined, JSON.stringify(joined.errors));
  }
  return c;
}

const checkout = (userId: string, minutes: number, over: Partial<CheckinEvent> = {}): CheckinEvent => ({
  v: 1,
  id: randomUUID(),
  type: 'CHECKED_OUT',
  userId,
  venueId: '7',
  cityCode: '310000',
  sessionId: randomUUID(),
  at: new Date().toISOString(),
  counted: true,
  minutes,
  reason: 'EXPLICIT',
  source: 'GPS',
  ...over,
});

describe('TEAM_GOAL', () => {
  it('a TEAM_GOAL is created with its goal and starts at 0 %; a missing, out-of-range or misplaced goal is BAD_USER_INPUT and creates nothing', async () => {
    const created = await t.graphql(
      CREATE,
      { input: { title: '团队目标 PK', type: 'TEAM_GOAL', goal: 600, week: '2030-W10' } },
      '11',
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    assert.deepEqual(created.data!.createChallenge.teamProgress, {
      total: 0,
      goal: 600,
      reached: false,
      percent: 0,
    });
    const other = await t.graphql(CREATE, { input: { title: '打卡 PK', type: 'CHECKIN_DAYS' } }, '11');
    assert.equal(other.data!.createChallenge.teamProgress, null, 'other types have no team progress');

    const before = await t.app.challenges.countDocuments();
    const refused: Array<Record<string, unknown>> = [
      { type: 'TEAM_GOAL' },
      { type: 'TEAM_GOAL', goal: 59 },
      { type: 'TEAM_GOAL', goal: -5 },
      // 2 participants × 120 min/day (this app's cap) × 7 days = 1 680 is the most they can reach.
      { type: 'TEAM_GOAL', goal: 1681, maxParticipants: 2, week: '2030-W10' },
      { type: 'WORKOUT_MINUTES', goal: 600 },
      { type: 'CHECKIN_DAYS', goal: 600 },
      { type: 'HEAD_TO_HEAD', goal: 600 },
    ];
    for (const input of refused) {
      const r = await t.graphql(CREATE, { input: { title: '团队目标 PK', ...input } }, '11');
      assert.equal(codeOf(r), 'BAD_USER_INPUT', JSON.stringify(input));
      assert.equal(r.errors?.[0]?.extensions?.field, 'goal', JSON.stringify(input));
    }
    const edge = await t.graphql(
      CREATE,
      {
        input: { title: '团队目标 PK', type: 'TEAM_GOAL', goal: 1680, maxParticipants: 2, week: '2030-W10' },
      },
      '11',
    );
    assert.equal(edge.errors, undefined, 'the largest reachable goal is accepted');
    assert.equal(await t.app.challenges.countDocuments(), before + 1);
  });

  it('the team total is the exact sum of contributions under concurrent events of many participants, redeliveries included', async () => {
    const members = Array.from({ length: 11 }, (_, i) => String(201 + i));
    const c = await createTeam('200', 2000, members);
    const everyone = ['200', ...members];
    // Per participant, in order (the check-in topic is keyed by user); participants all at once.
    // Each event is delivered twice. The daily cap (120) trims participant 200's last event.
    // One instant for every event: the daily cap is per Shanghai day, and events made a moment
    // apart could fall on both sides of midnight.
    const at = new Date().toISOString();
    const plans = everyone.map((userId, i) => {
      const minutes = userId === '200' ? [90, 50] : [10 + i, 20, 5 * i];
      return { userId, events: minutes.map((m) => checkout(userId, m, { at })) };
    });
    const expected = new Map(
      plans.map((p) => [
        p.userId,
        Math.min(
          120,
          p.events.reduce((sum, e) => sum + (e.minutes ?? 0), 0),
        ),
      ]),
    );
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    await Promise.all(
      plans.map(async ({ events }) => {
        for (const event of events) {
          await t.app.service.applyCheckinEvent(event);
          await t.app.service.applyCheckinEvent({ ...event }); // redelivery
        }
      }),
    );

    const stored = await t.app.progress.forChallenge(c.id);
    assert.deepEqual(
      new Map(stored.map((p) => [p.userId, p.score])),
      new Map([...expected].filter(([, score]) => score > 0)),
      'MongoDB, the source of truth',
    );
    assert.equal(await t.app.board.total(c.id), total, 'the Redis board');

    const r = await t.graphql(READ, { id: c.id }, '205');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const read = r.data!.challenge;
    const progress = { total, goal: 2000, reached: false, percent: Math.floor((total * 100) / 2000) };
    assert.deepEqual(read.teamProgress, progress);
    assert.deepEqual(read.leaderboard.teamProgress, progress, 'subscribers see the same through the board');
  });

  it('the team board lists contributions, largest first (the earlier among equals), with everyone at rank 1', async () => {
    const c = await createTeam('300', 300, ['301', '302', '303']);
    const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    for (const [userId, minutes, at] of [
      ['301', 40, secondsAgo(30)],
      ['302', 70, secondsAgo(20)],
      ['303', 40, secondsAgo(10)],
    ] as const)
      await t.app.service.applyCheckinEvent(checkout(userId, minutes, { at }));
    const r = await t.graphql(READ, { id: c.id }, '303');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const lb = r.data!.challenge.leaderboard;
    assert.deepEqual(
      lb.entries.map((e: { rank: number; score: number; user: { id: string } }) => [
        e.user.id,
        e.rank,
        e.score,
      ]),
      [
        ['302', 1, 70],
        ['301', 1, 40],
        ['303', 1, 40],
        ['300', 1, 0],
      ],
    );
    assert.deepEqual(lb.me, { rank: 1, score: 40 });
    assert.deepEqual(
      lb.neighbours.map((e: { rank: number; user: { id: string } }) => [e.user.id, e.rank]),
      [
        ['301', 1],
        ['300', 1],
      ],
    );
    assert.deepEqual(r.data!.challenge.teamProgress, { total: 150, goal: 300, reached: false, percent: 50 });
  });

  it('settlement rewards every contributor alike when the team reached its goal, and nobody when it fell short', async () => {
    const reached = await createTeam('401', 100, ['402', '403']);
    const short = await createTeam('411', 200, ['412', '413']);
    // Through Kafka, as in production: 60 + 50 minutes for each team; 403 and 413 do nothing.
    for (const [userId, minutes] of [
      ['401', 60],
      ['402', 50],
      ['411', 60],
      ['412', 50],
    ] as const)
      await t.sendCheckin({ ...checkout(userId, minutes) });
    await eventually(async () => {
      const [a, b] = await Promise.all([t.app.board.total(reached.id), t.app.board.total(short.id)]);
      return a === 110 && b === 110;
    });

    const afterEnd = new Date(Date.now() + 2 * 3_600_000);
    const settled = await t.app.settler.settleDue(afterEnd);
    assert.ok(settled.includes(reached.id) && settled.includes(short.id), JSON.stringify(settled));

    // Both were settled in one run: once the paid team's commands are read, the other's would be too.
    const commands = await t.rewardCommands([reached.id, short.id], 2, 1500);
    assert.deepEqual(
      commands.map((cmd) => [cmd.userId, cmd.delta, cmd.kind, cmd.idempotencyKey]).sort(),
      [
        ['401', 30, 'EARN', `pk:${reached.id}:reward:401`],
        ['402', 30, 'EARN', `pk:${reached.id}:reward:402`],
      ],
      'contributors of the team that made it, and nobody of the team short of its goal',
    );

    for (const [c, progress] of [
      [reached, { total: 110, goal: 100, reached: true, percent: 100 }],
      [short, { total: 110, goal: 200, reached: false, percent: 55 }],
    ] as const) {
      const r = await t.graphql(READ, { id: c.id }, c === reached ? '401' : '411');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.equal(r.data!.challenge.status, 'SETTLED');
      assert.deepEqual(r.data!.challenge.teamProgress, progress);
      const stored = await t.app.challengeStore.find(c.id);
      assert.ok(
        stored?.standings?.every((s) => s.rank === 1),
        'frozen standings have no ranking either',
      );
    }
  });
});
