// PK challenges against real MongoDB-wire (FerretDB), Redis and Kafka: membership rules, progress
// from check-in events, the Redis board, settlement, rebuild, and refusals that change nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { channels, redisKeys } from '@sport-venue/shared';
import { eventually } from '@sport-venue/shared/testing';
import { rebuildLeaderboards } from '../src/rebuild-leaderboards.ts';
import { createSettler } from '../src/settlement.ts';
import { createChallengeService } from '../src/challenges.ts';
import { createLeaderboardPublisher } from '../src/leaderboard-publisher.ts';
import { codeOf, quietLogger, startSocialApp, type SocialApp } from './support.ts';

let t: SocialApp;
let redis: Redis;

before(async () => {
  t = await startSocialApp();
  redis = new Redis(t.redisUrl);
});
after(async () => {
  redis?.disconnect();
  await t?.stop();
});

const CREATE = `mutation($input: CreateChallengeInput!) {
  createChallenge(input: $input) { id inviteCode status type maxParticipants participantCount startsAt endsAt creator { id } }
}`;
const JOIN = `mutation($code: String!) { joinChallenge(inviteCode: $code) { id participantCount } }`;
const LEAVE = `mutation($id: ID!) { leaveChallenge(id: $id) { id participantCount } }`;
const CANCEL = `mutation($id: ID!) { cancelChallenge(id: $id) { id status } }`;
const BOARD = `query($id: ID!, $first: Int) { challenge(id: $id) { leaderboard(first: $first) {
  entries { rank score user { id } } me { rank score user { id } } neighbours { rank score user { id } }
} } }`;

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const future = { startsAt: inMinutes(60), endsAt: inMinutes(24 * 60) };
const running = () => ({ startsAt: inMinutes(-1), endsAt: inMinutes(60) });

async function create(creator: string, input: Record<string, unknown>) {
  const r = await t.graphql(
    CREATE,
    { input: { title: '一周打卡 PK', type: 'CHECKIN_DAYS', ...input } },
    creator,
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!.createChallenge as { id: string; inviteCode: string; participantCount: number };
}
const stored = (id: string) => t.app.challengeStore.find(id);

describe('creating challenges', () => {
  it('creates an invite-only challenge with the creator as first participant and an invite code', async () => {
    const r = await t.graphql(
      CREATE,
      { input: { title: ' 周末 PK ', slogan: '冲！', type: 'WORKOUT_MINUTES', week: '2030-W10' } },
      '11',
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const c = r.data!.createChallenge;
    assert.match(c.inviteCode, /^[A-Z2-9]{8}$/);
    assert.equal(c.status, 'DRAFT');
    assert.equal(c.maxParticipants, 50);
    assert.equal(c.participantCount, 1);
    assert.equal(c.startsAt, '2030-03-03T16:00:00.000Z');
    assert.equal(c.creator.id, '11');
  });

  it('invalid windows and bad input are refused with stable codes and create nothing', async () => {
    const before = await t.app.challenges.countDocuments();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ startsAt: inMinutes(60), endsAt: inMinutes(60 + 31 * 24 * 60) }, 'INVALID_WINDOW'],
      [{ startsAt: inMinutes(60), endsAt: inMinutes(30) }, 'INVALID_WINDOW'],
      [{ startsAt: inMinutes(-24 * 60), endsAt: inMinutes(60) }, 'INVALID_WINDOW'],
      [{ week: '2020-W01' }, 'INVALID_WINDOW'],
      [{ title: 'x' }, 'BAD_USER_INPUT'],
      [{ slogan: 'a\u0007b' }, 'BAD_USER_INPUT'],
      [{ maxParticipants: 51 }, 'BAD_USER_INPUT'],
      [{ visibility: 'PUBLIC' }, 'BAD_USER_INPUT'],
    ];
    for (const [input, code] of cases) {
      const r = await t.graphql(
        CREATE,
        { input: { title: '一周打卡 PK', type: 'CHECKIN_DAYS', ...input } },
        '11',
      );
      assert.equal(codeOf(r), code, JSON.stringify(input));
    }
    assert.equal(
      codeOf(await t.graphql(CREATE, { input: { title: '一周打卡', type: 'CHECKIN_DAYS' } })),
      'UNAUTHENTICATED',
    );
    assert.equal(await t.app.challenges.countDocuments(), before);
  });
});

describe('content check', () => {
  it('a title or slogan the content check rejects is refused with CONTENT_REJECTED and creates nothing', async () => {
    const service = createChallengeService({
      challenges: t.app.challengeStore,
      progress: t.app.progress,
      board: t.app.board,
      publisher: { notify() {}, flush: async () => {} },
      rules: { dailyMinutesCap: 120 },
      contentCheck: async (text) => !text.includes('违禁'),
    });
    const viewer = { userId: '81', roles: ['USER' as const], venueIds: [] };
    const before = await t.app.challenges.countDocuments();
    await assert.rejects(service.create(viewer, { title: '违禁标题', type: 'CHECKIN_DAYS' }), {
      extensions: { code: 'CONTENT_REJECTED', field: 'title' },
    });
    await assert.rejects(
      service.create(viewer, { title: '正常标题', slogan: '违禁口号', type: 'CHECKIN_DAYS' }),
      {
        extensions: { code: 'CONTENT_REJECTED', field: 'slogan' },
      },
    );
    assert.equal(await t.app.challenges.countDocuments(), before);
  });
});

describe('joining and leaving', () => {
  it('join, join again (no-op), leave before the start; the cap holds and a full challenge refuses', async () => {
    const c = await create('21', { ...future, maxParticipants: 3 });
    assert.equal(
      (await t.graphql(JOIN, { code: c.inviteCode }, '22')).data?.joinChallenge.participantCount,
      2,
    );
    assert.equal(
      (await t.graphql(JOIN, { code: c.inviteCode.toLowerCase() }, '22')).data?.joinChallenge
        .participantCount,
      2,
    );
    assert.equal(
      (await t.graphql(JOIN, { code: c.inviteCode }, '23')).data?.joinChallenge.participantCount,
      3,
    );
    const full = await t.graphql(JOIN, { code: c.inviteCode }, '24');
    assert.equal(codeOf(full), 'CHALLENGE_FULL');
    assert.deepEqual((await stored(c.id))?.memberIds, ['21', '22', '23']);
    assert.equal((await t.graphql(LEAVE, { id: c.id }, '23')).data?.leaveChallenge.participantCount, 2);
    assert.equal(
      (await t.graphql(JOIN, { code: c.inviteCode }, '24')).data?.joinChallenge.participantCount,
      3,
    );
    assert.equal(
      codeOf(await t.graphql(LEAVE, { id: c.id }, '21')),
      'FORBIDDEN',
      'the creator cancels instead',
    );
    assert.deepEqual(await redis.zrevrange(redisKeys.pkRank(c.id), 0, -1), ['24', '22', '21']);
  });

  it('the leaderboard counts every participant, beyond its shown entries, after joins and leaves', async () => {
    const c = await create('26', { ...future, maxParticipants: 5 });
    const count = async (viewer: string) => {
      const r = await t.graphql(
        `query($id: ID!) { challenge(id: $id) { leaderboard(first: 1) { participantCount entries { user { id } } } } }`,
        { id: c.id },
        viewer,
      );
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const board = r.data!.challenge.leaderboard as { participantCount: number; entries: unknown[] };
      assert.equal(board.entries.length, 1, 'the board shows its first entry only');
      return board.participantCount;
    };
    assert.equal(await count('26'), 1);
    for (const u of ['27', '28', '29']) await t.graphql(JOIN, { code: c.inviteCode }, u);
    assert.equal(await count('26'), 4);
    assert.equal((await t.graphql(LEAVE, { id: c.id }, '28')).data?.leaveChallenge.participantCount, 3);
    assert.equal(await count('27'), 3, 'the same for every reader');
    assert.equal(await count('26'), (await stored(c.id))?.memberIds.length);
  });

  it('concurrent joins never exceed the cap', async () => {
    const c = await create('31', { ...future, maxParticipants: 5 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.graphql(JOIN, { code: c.inviteCode }, String(100 + i))),
    );
    assert.equal(results.filter((r) => !r.errors).length, 4, JSON.stringify([results, await stored(c.id)]));
    assert.ok(results.filter((r) => r.errors).every((r) => codeOf(r) === 'CHALLENGE_FULL'));
    const s = await stored(c.id);
    assert.equal(s?.memberIds.length, 5);
    assert.equal(await redis.zcard(redisKeys.pkRank(c.id)), 5);
  });

  it('ended, cancelled and unknown challenges refuse joining; started ones refuse leaving and cancelling', async () => {
    const ended = await create('41', future);
    await t.app.challenges.updateOne(
      { _id: ended.id },
      { $set: { startsAt: new Date(Date.now() - 7200_000), endsAt: new Date(Date.now() - 1000) } },
    );
    assert.equal(codeOf(await t.graphql(JOIN, { code: ended.inviteCode }, '42')), 'CHALLENGE_ENDED');
    assert.equal(codeOf(await t.graphql(CANCEL, { id: ended.id }, '41')), 'CHALLENGE_STARTED');

    const cancelled = await create('41', future);
    assert.equal(codeOf(await t.graphql(CANCEL, { id: cancelled.id }, '42')), 'FORBIDDEN');
    assert.equal(
      (await t.graphql(CANCEL, { id: cancelled.id }, '41')).data?.cancelChallenge.status,
      'CANCELLED',
    );
    assert.equal(codeOf(await t.graphql(JOIN, { code: cancelled.inviteCode }, '42')), 'CHALLENGE_CANCELLED');
    assert.equal(codeOf(await t.graphql(CANCEL, { id: cancelled.id }, '41')), 'CHALLENGE_CANCELLED');
    assert.equal(codeOf(await t.graphql(JOIN, { code: 'NOSUCHCD' }, '42')), 'CHALLENGE_NOT_FOUND');

    const started = await create('41', running());
    await t.graphql(JOIN, { code: started.inviteCode }, '43');
    assert.equal(codeOf(await t.graphql(LEAVE, { id: started.id }, '43')), 'CHALLENGE_STARTED');
    for (const id of [ended.id, cancelled.id, started.id]) {
      const s = await stored(id);
      assert.ok(s, id);
      assert.ok(!s.memberIds.includes('42'), 'refused joins changed nothing');
    }
    assert.deepEqual((await stored(started.id))?.memberIds, ['41', '43']);
  });

  it('a private challenge is readable by its participants only; public ones are listed by city', async () => {
    const priv = await create('51', future);
    const q = `query($id: ID!) { challenge(id: $id) { id title inviteCode } }`;
    assert.equal((await t.graphql(q, { id: priv.id }, '51')).data?.challenge.inviteCode, priv.inviteCode);
    assert.equal(codeOf(await t.graphql(q, { id: priv.id }, '52')), 'FORBIDDEN');
    assert.equal(codeOf(await t.graphql(q, { id: priv.id })), 'FORBIDDEN');
    assert.equal((await t.graphql(q, { id: '000000000000000000000000' })).data?.challenge, null);
    const pub = await create('51', { ...future, visibility: 'PUBLIC', cityCode: '440300' });
    const listed = await t.graphql(`{ publicChallenges(cityCode: "440300") { id } }`);
    assert.deepEqual(listed.data?.publicChallenges, [{ id: pub.id }]);
    const mine = await t.graphql(`{ myChallenges { id } }`, {}, '51');
    assert.deepEqual(
      mine.data?.myChallenges.map((c: { id: string }) => c.id).sort(),
      [priv.id, pub.id].sort(),
    );
  });
});

describe('progress and the leaderboard', () => {
  it('check-in events move the board; duplicates, uncounted and out-of-venue events do not; ties share a rank', async () => {
    const c = await create('61', { ...running(), venueId: '7' });
    for (const u of ['62', '63', '64']) await t.graphql(JOIN, { code: c.inviteCode }, u);
    const messages: string[] = [];
    const sub = new Redis(t.redisUrl);
    await sub.subscribe(channels.pkLeaderboard.name(t.pubsubPrefix, c.id));
    sub.on('message', (_channel, message) => messages.push(message));

    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const first = await t.sendCheckin({ userId: '62', at: at(1) });
    await t.sendCheckin({ ...first }); // redelivery of the same event
    await t.sendCheckin({ userId: '63', at: at(0.5) });
    await t.sendCheckin({ userId: '64', at: at(0.2), counted: false });
    await t.sendCheckin({ userId: '61', at: at(0.1), venueId: '8' });
    const last = await t.sendCheckin({ userId: '64', at: at(0) });

    await eventually(
      async () => (await t.app.progress.model.findOne({ challengeId: c.id, userId: '64' }))?.score === 1,
    );
    await eventually(() => t.app.consumer.stats.messages >= 6);
    const board = await t.graphql(BOARD, { id: c.id, first: 10 }, '63');
    assert.equal(board.errors, undefined, JSON.stringify(board.errors));
    const lb = board.data!.challenge.leaderboard;
    const rows = (entries: Array<{ rank: number; score: number; user: { id: string } }>) =>
      entries.map((e) => [e.user.id, e.rank, e.score]);
    assert.deepEqual(rows(lb.entries), [
      ['62', 1, 1],
      ['63', 1, 1],
      ['64', 1, 1],
      ['61', 4, 0],
    ]);
    assert.deepEqual(rows([lb.me]), [['63', 1, 1]]);
    assert.deepEqual(rows(lb.neighbours), [
      ['62', 1, 1],
      ['64', 1, 1],
    ]);
    const top1 = await t.graphql(BOARD, { id: c.id, first: 1 }, '61');
    assert.deepEqual(rows(top1.data!.challenge.leaderboard.entries), [['62', 1, 1]]);
    assert.deepEqual(rows([top1.data!.challenge.leaderboard.me]), [['61', 4, 0]]);
    assert.deepEqual(rows(top1.data!.challenge.leaderboard.neighbours), [['64', 1, 1]]);
    assert.equal(
      (await t.app.progress.model.findOne({ challengeId: c.id, userId: '62' }))?.eventIds.length,
      1,
      'the duplicate was not applied',
    );
    assert.deepEqual(
      (await t.app.progress.model.findOne({ challengeId: c.id, userId: '64' }))?.eventIds,
      [last.id],
      'only the counted check-in of 64 was applied',
    );
    assert.equal(
      await t.app.progress.model.countDocuments({ challengeId: c.id, userId: '61' }),
      0,
      'the check-in at another venue was not applied',
    );

    await eventually(() => messages.length > 0);
    const message = JSON.parse(messages[0]!);
    assert.deepEqual(Object.keys(message).sort(), ['at', 'challengeId', 'v']);
    assert.equal(message.challengeId, c.id);
    sub.disconnect();

    // Rebuild from MongoDB gives the same board, byte for byte.
    const live = await redis.zrevrange(redisKeys.pkRank(c.id), 0, -1, 'WITHSCORES');
    await redis.del(redisKeys.pkRank(c.id));
    await rebuildLeaderboards({
      challenges: t.app.challengeStore,
      progress: t.app.progress,
      board: t.app.board,
    });
    assert.deepEqual(await redis.zrevrange(redisKeys.pkRank(c.id), 0, -1, 'WITHSCORES'), live);
  });

  it('settlement happens exactly once with two replicas racing, and pays rewards by rank', async () => {
    const c = await create('71', running());
    for (const u of ['72', '73']) await t.graphql(JOIN, { code: c.inviteCode }, u);
    await t.sendCheckin({ userId: '72', at: new Date(Date.now() - 30_000).toISOString() });
    await t.sendCheckin({ userId: '73', at: new Date().toISOString() });
    await eventually(async () => (await t.app.progress.model.countDocuments({ challengeId: c.id })) === 2);

    const producer = t.kafka.producer();
    await producer.connect();
    const other = createSettler({
      challenges: t.app.challengeStore,
      progress: t.app.progress,
      board: t.app.board,
      publisher: createLeaderboardPublisher(redis, t.pubsubPrefix, 250, () => {}),
      producer,
      pointsTopic: t.topics.pointsCommands,
      instance: 'replica-b',
      graceMs: 0,
      leaseMs: 60_000,
      logger: quietLogger,
    });
    const afterEnd = new Date(Date.now() + 2 * 3_600_000);
    const [a, b] = await Promise.all([t.app.settler.settleDue(afterEnd), other.settleDue(afterEnd)]);
    await producer.disconnect();
    const winners = [a, b].filter((ids) => ids.includes(c.id));
    assert.equal(winners.length, 1, `settled by exactly one replica: ${JSON.stringify([a, b])}`);
    const s = await stored(c.id);
    assert.equal(s?.status, 'SETTLED');
    // Equal scores share rank 1; the earlier achiever is listed first.
    assert.deepEqual(
      s?.standings?.map((e) => [e.userId, e.rank, e.score]),
      [
        ['72', 1, 1],
        ['73', 1, 1],
        ['71', 3, 0],
      ],
    );
    assert.deepEqual(
      [...(await t.app.settler.settleDue(afterEnd)), ...(await other.settleDue(afterEnd))].filter(
        (id) => id === c.id,
      ),
      [],
    );

    // The commands on points.commands: one per rewarded participant, keyed for idempotency.
    const mine = await t.rewardCommands(c.id, 2);
    assert.deepEqual(mine.map((cmd) => [cmd.userId, cmd.delta, cmd.idempotencyKey, cmd.kind]).sort(), [
      ['72', 100, `pk:${c.id}:reward:72`, 'EARN'],
      ['73', 100, `pk:${c.id}:reward:73`, 'EARN'],
    ]);
  });
});
