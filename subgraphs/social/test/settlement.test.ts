// Settlement against real FerretDB, Redis and Kafka: the timer settles a challenge when its window
// ends, and a replica that claimed a settlement and died is taken over once its lease expired, by
// exactly one of the replicas still alive.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CheckinEvent } from '@sport-venue/shared';
import { eventually } from '@sport-venue/shared/testing';
import { createLeaderboardPublisher } from '../src/leaderboard-publisher.ts';
import { createSettler } from '../src/settlement.ts';
import { quietLogger, startSocialApp, type SocialApp } from './support.ts';
import { Redis } from 'ioredis';

let t: SocialApp;
let redis: Redis;

before(async () => {
  // The settlement sweep runs every 200 ms with no grace: a challenge settles right at its end.
  t = await startSocialApp({ PK_SETTLE_INTERVAL_MS: '200', PK_SETTLE_GRACE_MS: '0' });
  redis = new Redis(t.redisUrl);
});
after(async () => {
  redis?.disconnect();
  await t?.stop();
});

const CREATE = `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) { id inviteCode } }`;
const JOIN = `mutation($code: String!) { joinChallenge(inviteCode: $code) { participantCount } }`;
const STATUS = `query($id: ID!) { challenge(id: $id) { status settledAt endsAt } }`;

async function create(creator: string, members: string[], window: { startsAt: Date; endsAt: Date }) {
  const r = await t.graphql(
    CREATE,
    {
      input: {
        title: '结算 PK',
        type: 'CHECKIN_DAYS',
        startsAt: window.startsAt.toISOString(),
        endsAt: window.endsAt.toISOString(),
      },
    },
    creator,
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const c = r.data!.createChallenge as { id: string; inviteCode: string };
  for (const u of members) assert.equal((await t.graphql(JOIN, { code: c.inviteCode }, u)).errors, undefined);
  return c;
}

const checkin = (userId: string, at: Date): CheckinEvent => ({
  v: 1,
  id: randomUUID(),
  type: 'CHECKED_IN',
  userId,
  venueId: '7',
  cityCode: '310000',
  sessionId: randomUUID(),
  at: at.toISOString(),
  counted: true,
  source: 'GPS',
});

/** Another replica of the settlement worker on the same stores. */
function replica(instance: string, producer: ReturnType<SocialApp['kafka']['producer']>, leaseMs: number) {
  return createSettler({
    challenges: t.app.challengeStore,
    progress: t.app.progress,
    board: t.app.board,
    publisher: createLeaderboardPublisher(redis, t.pubsubPrefix, 250, () => {}),
    producer,
    pointsTopic: t.topics.pointsCommands,
    instance,
    graceMs: 0,
    leaseMs,
    logger: quietLogger,
  });
}

describe('settlement', () => {
  it('the settlement timer settles a challenge when its window ends, not before, and pays the rewards', async () => {
    const startsAt = new Date(Date.now() - 60_000);
    const endsAt = new Date(Date.now() + 4_000);
    const c = await create('501', ['502'], { startsAt, endsAt });
    await t.app.service.applyCheckinEvent(checkin('502', new Date()));
    assert.equal(await t.app.board.total(c.id), 1);
    assert.ok(Date.now() < endsAt.getTime() - 500, 'the check-in was applied while the window ran');

    const running = await t.graphql(STATUS, { id: c.id }, '501');
    assert.equal(running.data!.challenge.status, 'ACTIVE');
    assert.equal(running.data!.challenge.settledAt, null);

    const settled = await eventually(
      async () => {
        const r = await t.graphql(STATUS, { id: c.id }, '501');
        return r.data!.challenge.status === 'SETTLED' ? r.data!.challenge : null;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const settledAt = Date.parse(settled.settledAt);
    assert.ok(
      settledAt >= endsAt.getTime(),
      `settled at ${settled.settledAt}, window ends ${settled.endsAt}`,
    );
    // The sweep runs every 200 ms; the margin is for a loaded test machine.
    assert.ok(settledAt - endsAt.getTime() < 3_000, `settled right after the end (${settled.settledAt})`);
    assert.equal((await t.app.challengeStore.claimsOf(c.id)).length, 1, 'one claim, one attempt');

    const commands = await t.rewardCommands(c.id, 1);
    assert.deepEqual(commands.map((cmd) => [cmd.userId, cmd.delta]).sort(), [['502', 100]]);
  });

  it('a claim left by a replica that died is taken over after its lease expires, and the challenge is settled exactly once', async () => {
    const now = Date.now();
    const c = await create('601', ['602', '603'], {
      startsAt: new Date(now - 60_000),
      endsAt: new Date(now + 3_600_000),
    });
    await t.app.service.applyCheckinEvent(checkin('602', new Date(now - 30_000)));
    await t.app.service.applyCheckinEvent(checkin('603', new Date(now - 20_000)));
    const afterEnd = new Date(now + 2 * 3_600_000);
    const leaseMs = 5_000;

    // Replica A claims, then fails before anything is paid or written: its Kafka producer is gone.
    const dead = replica('replica-dead', t.kafka.producer(), leaseMs);
    await assert.rejects(dead.settleDue(afterEnd));
    const left = await t.app.challengeStore.claimsOf(c.id);
    assert.deepEqual(
      left.map((claim) => [claim.attempt, claim.instance, claim.expiresAt?.toISOString()]),
      [[1, 'replica-dead', new Date(afterEnd.getTime() + leaseMs).toISOString()]],
    );
    assert.equal((await t.app.challengeStore.find(c.id))?.status, 'OPEN');

    const producer = t.kafka.producer();
    await producer.connect();
    try {
      const b = replica('replica-b', producer, leaseMs);
      const c2 = replica('replica-c', producer, leaseMs);
      // While the lease runs, the claim is respected: nobody settles.
      const during = new Date(afterEnd.getTime() + leaseMs - 1);
      const early = await Promise.all([b.settleDue(during), c2.settleDue(during)]);
      assert.deepEqual(
        early.flat().filter((id) => id === c.id),
        [],
      );
      assert.equal((await t.app.challengeStore.claimsOf(c.id)).length, 1);

      // Once it expired, the two live replicas race for the takeover; exactly one wins it.
      const expired = new Date(afterEnd.getTime() + leaseMs + 1);
      const [byB, byC] = await Promise.all([b.settleDue(expired), c2.settleDue(expired)]);
      const winners = [byB, byC].filter((ids) => ids.includes(c.id));
      assert.equal(winners.length, 1, `taken over by exactly one replica: ${JSON.stringify([byB, byC])}`);
      const claims = await t.app.challengeStore.claimsOf(c.id);
      assert.deepEqual(
        claims.map((claim) => [claim.attempt, claim.instance]),
        [
          [1, 'replica-dead'],
          [2, byB.includes(c.id) ? 'replica-b' : 'replica-c'],
        ],
      );
      const stored = await t.app.challengeStore.find(c.id);
      assert.equal(stored?.status, 'SETTLED');
      assert.equal(stored?.settledAt?.toISOString(), expired.toISOString());
      assert.deepEqual(
        stored?.standings?.map((s) => [s.userId, s.rank, s.score]),
        [
          ['602', 1, 1],
          ['603', 1, 1],
          ['601', 3, 0],
        ],
      );

      // Later sweeps, by anyone, find nothing to do.
      const later = new Date(expired.getTime() + 10 * leaseMs);
      const again = await Promise.all([
        b.settleDue(later),
        c2.settleDue(later),
        t.app.settler.settleDue(later),
      ]);
      assert.deepEqual(
        again.flat().filter((id) => id === c.id),
        [],
      );
      assert.equal((await t.app.challengeStore.claimsOf(c.id)).length, 2);
    } finally {
      await producer.disconnect();
    }

    // One reward per participant with progress: the dead replica sent nothing, the winner once.
    const commands = await t.rewardCommands(c.id, 2, 1_000);
    assert.deepEqual(commands.map((cmd) => [cmd.userId, cmd.delta, cmd.idempotencyKey]).sort(), [
      ['602', 100, `pk:${c.id}:reward:602`],
      ['603', 100, `pk:${c.id}:reward:603`],
    ]);
  });
});
