// Scenario: PK rewards end to end. Users log in through the router, play a challenge fed by
// check-out events on Kafka, the social subgraph settles it and sends `points.commands`, and the
// user subgraph's ledger credits each reward exactly once: a redelivered command (same event id)
// and a re-emitted one (a settlement redone after a crash: new id, same idempotency key) change
// nothing (docs/events.md, docs/decisions/0010).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import {
  createKafka,
  parseConfig,
  pointsCommandV1,
  type CheckinEvent,
  type PointsCommand,
} from '@sport-venue/shared';
import { eventually, testServices, uniqueId } from '@sport-venue/shared/testing';
import { socialConfigSchema } from '../subgraphs/social/src/config.ts';
import { startGraph, type Graph } from './support/graph.ts';

/** The graph's social subgraph runs with the default grace (support/graph.ts sets none). */
const SETTLE_GRACE_MS = parseConfig(socialConfigSchema, {}).PK_SETTLE_GRACE_MS;

const LOGIN = `mutation($code: String!) { loginWithWeChat(code: $code) { accessToken user { id } } }`;
const CREATE = `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) { id inviteCode endsAt } }`;
const JOIN = `mutation($code: String!) { joinChallenge(inviteCode: $code) { participantCount } }`;
const BOARD = `query($id: ID!) { challenge(id: $id) { status leaderboard { entries { rank score user { id } } } } }`;
const TEAM_BOARD = `query($id: ID!) { challenge(id: $id) {
  status teamProgress { total goal reached percent } leaderboard { entries { rank score user { id } } }
} }`;
const POINTS = `{ me { points { balance lifetimeEarned history(first: 50) { edges { node { delta kind reason } } } } } }`;

interface Player {
  id: string;
  headers: Record<string, string>;
}
interface PointsView {
  balance: number;
  lifetimeEarned: number;
  history: { edges: Array<{ node: { delta: number; kind: string; reason: string } }> };
}

describe('PK rewards through the points ledger', () => {
  let graph: Graph;
  let producer: Producer;
  const kafka = createKafka(testServices.kafkaBrokers, uniqueId('pk-rewards-e2e-'));

  before(async () => {
    graph = await startGraph();
    producer = kafka.producer();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await graph?.stop();
  });

  async function login(name: string): Promise<Player> {
    const r = await graph.graphql<{ loginWithWeChat: { accessToken: string; user: { id: string } } }>(LOGIN, {
      code: `test-${name}`,
    });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const { accessToken, user } = r.data!.loginWithWeChat;
    return { id: user.id, headers: { authorization: `Bearer ${accessToken}` } };
  }

  async function call<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
    who: Player,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const r = await graph.graphql<T>(query, variables, who.headers);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!;
  }

  async function startChallenge(creator: Player, others: Player[], input: Record<string, unknown>) {
    const now = Date.now();
    const { createChallenge } = await call(creator, CREATE, {
      input: {
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        ...input,
      },
    });
    for (const p of others) await call(p, JOIN, { code: createChallenge.inviteCode });
    return createChallenge as { id: string; endsAt: string };
  }

  /** A check-out on the check-in topic: minutes for PK progress, no check-in points. */
  async function workout(who: Player, minutes: number) {
    const event: CheckinEvent = {
      v: 1,
      id: randomUUID(),
      type: 'CHECKED_OUT',
      userId: who.id,
      venueId: '7',
      cityCode: '310000',
      sessionId: randomUUID(),
      at: new Date().toISOString(),
      counted: true,
      minutes,
      reason: 'EXPLICIT',
      source: 'GPS',
    };
    await producer.send({
      topic: graph.topics.checkinEvents,
      messages: [{ key: event.userId, value: JSON.stringify(event), headers: { 'event-id': event.id } }],
    });
  }

  /** Settles as the sweep does once the window and the grace are over (the clock is injected). */
  async function settle(challenge: { id: string; endsAt: string }) {
    const due = new Date(Date.parse(challenge.endsAt) + SETTLE_GRACE_MS + 1_000);
    const settled = await graph.social.settler.settleDue(due);
    assert.ok(settled.includes(challenge.id), JSON.stringify(settled));
  }

  const pointsOf = async (who: Player) => (await call<{ me: { points: PointsView } }>(who, POINTS)).me.points;

  /** Sends a command keyed by user, as the social subgraph does (one user, one partition). */
  async function sendCommand(command: PointsCommand) {
    await producer.send({
      topic: graph.topics.pointsCommands,
      messages: [
        { key: command.userId, value: JSON.stringify(command), headers: { 'event-id': command.id } },
      ],
    });
  }

  /**
   * A +1 ADJUST after everything sent so far for this user: on the user's partition it is applied
   * after them, so once the balance shows it, every earlier command was handled.
   */
  async function drain(who: Player, expectedBalance: number) {
    await sendCommand({
      v: 1,
      id: randomUUID(),
      userId: who.id,
      kind: 'ADJUST',
      delta: 1,
      reason: 'e2e marker',
      idempotencyKey: `e2e:marker:${randomUUID()}`,
      at: new Date().toISOString(),
    });
    await eventually(async () => (await pointsOf(who)).balance === expectedBalance, { timeoutMs: 20_000 });
  }

  /** The reward commands the social subgraph sent for a challenge, read back from the topic. */
  async function rewardCommands(challengeId: string, count: number): Promise<PointsCommand[]> {
    const consumer = kafka.consumer({ groupId: uniqueId('pk-rewards-read-'), sessionTimeout: 6000 });
    const seen: PointsCommand[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: graph.topics.pointsCommands, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const command = pointsCommandV1.parse(JSON.parse(message.value!.toString()));
          if (command.idempotencyKey.startsWith(`pk:${challengeId}:reward:`)) seen.push(command);
        },
      });
      await eventually(() => seen.length >= count, { timeoutMs: 20_000 });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  const rewardEntries = (points: PointsView, title: string) =>
    points.history.edges
      .map((e) => e.node)
      .filter((n) => n.reason === `PK challenge reward: ${title}`)
      .map((n) => [n.kind, n.delta]);

  it('settlement credits each participant’s rank reward exactly once, even when the commands are redelivered and re-emitted', async () => {
    const [alice, bob] = [await login('pk-rewards-alice'), await login('pk-rewards-bob')];
    const title = '本周运动 PK';
    const c = await startChallenge(alice, [bob], { title, type: 'WORKOUT_MINUTES' });
    await workout(alice, 60);
    await workout(bob, 30);
    await eventually(
      async () => {
        const { challenge } = await call(alice, BOARD, { id: c.id });
        return challenge.leaderboard.entries.map((e: { score: number }) => e.score).join() === '60,30';
      },
      { timeoutMs: 20_000 },
    );

    await settle(c);
    await eventually(
      async () => (await pointsOf(alice)).balance === 100 && (await pointsOf(bob)).balance === 60,
      { timeoutMs: 20_000 },
    );

    // Redelivery (the very same records) and re-emission (new ids, same idempotency keys).
    const sent = await rewardCommands(c.id, 2);
    assert.equal(sent.length, 2, 'one command per rewarded participant');
    for (const command of sent) {
      await sendCommand(command);
      await sendCommand({ ...command, id: randomUUID(), at: new Date().toISOString() });
    }
    // A later settlement run finds nothing to do.
    assert.deepEqual(
      (await graph.social.settler.settleDue(new Date(Date.parse(c.endsAt) + 86_400_000))).filter(
        (id) => id === c.id,
      ),
      [],
    );
    await drain(alice, 101);
    await drain(bob, 61);

    const [a, b] = [await pointsOf(alice), await pointsOf(bob)];
    assert.deepEqual(rewardEntries(a, title), [['EARN', 100]], 'rank 1: 100 points, once');
    assert.deepEqual(rewardEntries(b, title), [['EARN', 60]], 'rank 2: 60 points, once');
    assert.deepEqual([a.balance, a.lifetimeEarned], [101, 100]);
    assert.deepEqual([b.balance, b.lifetimeEarned], [61, 60]);
  });

  it('a TEAM_GOAL that reached its goal credits every contributor the same reward once, and a participant who contributed nothing gets nothing', async () => {
    const [carol, dave, erin] = [
      await login('pk-team-carol'),
      await login('pk-team-dave'),
      await login('pk-team-erin'),
    ];
    const title = '团队 60 分钟';
    const c = await startChallenge(carol, [dave, erin], { title, type: 'TEAM_GOAL', goal: 60 });
    await workout(carol, 40);
    await workout(dave, 30);
    const { challenge } = await eventually(
      async () => {
        const r = await call(erin, TEAM_BOARD, { id: c.id });
        return r.challenge.teamProgress.total === 70 ? r : null;
      },
      { timeoutMs: 20_000 },
    );
    assert.deepEqual(challenge.teamProgress, { total: 70, goal: 60, reached: true, percent: 100 });
    assert.deepEqual(
      challenge.leaderboard.entries.map((e: { rank: number; score: number; user: { id: string } }) => [
        e.user.id,
        e.rank,
        e.score,
      ]),
      [
        [carol.id, 1, 40],
        [dave.id, 1, 30],
        [erin.id, 1, 0],
      ],
      'contributions, no ranking',
    );

    await settle(c);
    await eventually(
      async () => (await pointsOf(carol)).balance === 30 && (await pointsOf(dave)).balance === 30,
      { timeoutMs: 20_000 },
    );
    await drain(carol, 31);
    await drain(dave, 31);
    await drain(erin, 1);
    assert.deepEqual(rewardEntries(await pointsOf(carol), title), [['EARN', 30]]);
    assert.deepEqual(rewardEntries(await pointsOf(dave), title), [['EARN', 30]]);
    assert.deepEqual(rewardEntries(await pointsOf(erin), title), []);
    const settled = await call(erin, TEAM_BOARD, { id: c.id });
    assert.equal(settled.challenge.status, 'SETTLED');
    assert.deepEqual(settled.challenge.teamProgress, { total: 70, goal: 60, reached: true, percent: 100 });
  });
});
