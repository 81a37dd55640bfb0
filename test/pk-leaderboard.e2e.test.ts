// Scenario: two friends in a PK challenge; a check-in event on Kafka moves the board, and a
// graphql-ws subscriber through the router sees the new standings (docs/events.md: the social
// subgraph publishes `pk:leaderboard:{challengeId}`, the router fetches Query.challenge).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createKafka, type CheckinEvent } from '@sport-venue/shared';
import { eventually, testServices, uniqueId } from '@sport-venue/shared/testing';
import { startGraph, type Graph } from './support/graph.ts';
import { startTokenIssuer } from './support/token-issuer.ts';
import { subscribe, wsClient } from './support/ws-client.ts';

const BOARD_CHANGED = `subscription($id: ID!) {
  pkLeaderboardChanged(challengeId: $id) { entries { rank score user { id } } me { rank score } }
}`;

describe('PK leaderboard through the router', () => {
  let graph: Graph;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;

  before(async () => {
    issuer = await startTokenIssuer();
    graph = await startGraph({ routerEnv: { USER_JWKS_URL: issuer.jwksUrl } });
  });
  after(async () => {
    await graph?.stop();
    await issuer?.stop();
  });

  it('a subscriber sees the board change after a check-in event', async () => {
    const alice = await issuer.sign({ sub: '501' });
    const bob = await issuer.sign({ sub: '502' });
    const now = Date.now();
    const created = await graph.graphql<{ createChallenge: { id: string; inviteCode: string } }>(
      `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) { id inviteCode } }`,
      {
        input: {
          title: '本周打卡 PK',
          type: 'CHECKIN_DAYS',
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now + 3_600_000).toISOString(),
        },
      },
      { authorization: `Bearer ${alice}` },
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const { id, inviteCode } = created.data!.createChallenge;
    const joined = await graph.graphql(
      `mutation($code: String!) { joinChallenge(inviteCode: $code) { participantCount } }`,
      { code: inviteCode },
      { authorization: `Bearer ${bob}` },
    );
    assert.equal(joined.errors, undefined, JSON.stringify(joined.errors));

    // Bob watches the (invite-only) board: his selection includes `me`, so it runs as Bob.
    const { client } = wsClient(graph.router.url, { authorization: `Bearer ${bob}` });
    const sub = subscribe(client, BOARD_CHANGED, { id });
    await eventually(() => {
      const stats = graph.router.hub.stats();
      return stats.subscribers === 1 && stats.listening === stats.groups;
    });

    // Waiting before the event is sent: a result that arrives before next() is called would be missed.
    const next = sub.next(60_000);
    const kafka = createKafka(testServices.kafkaBrokers, uniqueId('pk-e2e-'));
    const producer = kafka.producer();
    await producer.connect();
    const event: CheckinEvent = {
      v: 1,
      id: randomUUID(),
      type: 'CHECKED_IN',
      userId: '501',
      venueId: '7',
      cityCode: '310000',
      sessionId: randomUUID(),
      at: new Date().toISOString(),
      counted: true,
      source: 'GPS',
    };
    await producer.send({
      topic: graph.topics.checkinEvents,
      messages: [{ key: event.userId, value: JSON.stringify(event) }],
    });
    await producer.disconnect();

    const got = (await next) as { data?: Record<string, unknown>; errors?: unknown };
    assert.equal(got.errors, undefined, JSON.stringify(got));
    assert.deepEqual(got.data, {
      pkLeaderboardChanged: {
        entries: [
          { rank: 1, score: 1, user: { id: '501' } },
          { rank: 2, score: 0, user: { id: '502' } },
        ],
        me: { rank: 2, score: 0 },
      },
    });
    sub.stop();
    await client.dispose();
  });

  it('a participant subscribed without `me` sees an invite-only board; a non-participant on the same document gets FORBIDDEN', async () => {
    const [alice, bob, carol] = await Promise.all(['511', '512', '513'].map((sub) => issuer.sign({ sub })));
    const { id } = await inviteOnlyChallenge(alice!, bob!);
    // Nothing in this selection needs a login, but the board is fetched per event as
    // `challenge(id)`, which the social subgraph answers to participants only.
    const boardOnly = `subscription($id: ID!) { pkLeaderboardChanged(challengeId: $id) { entries { rank score user { id } } } }`;
    const before = graph.router.hub.stats();
    const bobs = wsClient(graph.router.url, { authorization: `Bearer ${bob}` });
    const carols = wsClient(graph.router.url, { authorization: `Bearer ${carol}` });
    const bobSub = subscribe(bobs.client, boardOnly, { id });
    const carolSub = subscribe(carols.client, boardOnly, { id });
    try {
      await eventually(() => {
        const stats = graph.router.hub.stats();
        return stats.subscribers === before.subscribers + 2 && stats.listening === stats.groups;
      });
      assert.equal(
        graph.router.hub.stats().groups,
        before.groups + 2,
        'viewers with different access share no group',
      );
      // Waiting before the event is sent: a result that arrives before next() is called would be missed.
      const bobNext = bobSub.next(60_000);
      const carolNext = carolSub.next(60_000);
      await sendCheckin('511');
      const bobGot = (await bobNext) as { data?: unknown; errors?: unknown };
      assert.equal(bobGot.errors, undefined, JSON.stringify(bobGot));
      assert.deepEqual(bobGot.data, {
        pkLeaderboardChanged: {
          entries: [
            { rank: 1, score: 1, user: { id: '511' } },
            { rank: 2, score: 0, user: { id: '512' } },
          ],
        },
      });
      const carolGot = (await carolNext) as {
        data?: { pkLeaderboardChanged: unknown } | null;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
      assert.equal(carolGot.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(carolGot));
      assert.equal(carolGot.data?.pkLeaderboardChanged ?? null, null, 'no board reaches a non-participant');
    } finally {
      bobSub.stop();
      carolSub.stop();
      await Promise.all([bobs.client.dispose(), carols.client.dispose()]);
    }
  });

  it('a subscriber sees the participant count follow a join', async () => {
    const [alice, bob] = await Promise.all(['521', '522'].map((sub) => issuer.sign({ sub })));
    const challenge = await createChallenge(alice!);
    const counted = `subscription($id: ID!) { pkLeaderboardChanged(challengeId: $id) { participantCount entries { user { id } } } }`;
    const before = graph.router.hub.stats();
    const { client } = wsClient(graph.router.url, { authorization: `Bearer ${alice}` });
    const sub = subscribe(client, counted, { id: challenge.id });
    try {
      await eventually(() => {
        const stats = graph.router.hub.stats();
        return stats.subscribers === before.subscribers + 1 && stats.listening === stats.groups;
      });
      // Waiting before the join: a result that arrives before next() is called would be missed.
      const next = sub.next(60_000);
      await join(challenge.inviteCode, bob!);
      const got = (await next) as {
        data?: {
          pkLeaderboardChanged: { participantCount: number; entries: Array<{ user: { id: string } }> };
        };
        errors?: unknown;
      };
      assert.equal(got.errors, undefined, JSON.stringify(got));
      const board = got.data!.pkLeaderboardChanged;
      assert.equal(board.participantCount, 2);
      assert.deepEqual(board.entries.map((e) => e.user.id).sort(), ['521', '522']);
    } finally {
      sub.stop();
      await client.dispose();
    }
  });

  /** A challenge created by one user (invite-only, the default) and joined by another. */
  async function inviteOnlyChallenge(creator: string, joiner: string) {
    const challenge = await createChallenge(creator);
    await join(challenge.inviteCode, joiner);
    return challenge;
  }

  /** An invite-only challenge (the default) running for the next hour. */
  async function createChallenge(creator: string) {
    const now = Date.now();
    const created = await graph.graphql<{ createChallenge: { id: string; inviteCode: string } }>(
      `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) { id inviteCode } }`,
      {
        input: {
          title: '私密打卡 PK',
          type: 'CHECKIN_DAYS',
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now + 3_600_000).toISOString(),
        },
      },
      { authorization: `Bearer ${creator}` },
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    return created.data!.createChallenge;
  }

  async function join(inviteCode: string, joiner: string) {
    const joined = await graph.graphql(
      `mutation($code: String!) { joinChallenge(inviteCode: $code) { participantCount } }`,
      { code: inviteCode },
      { authorization: `Bearer ${joiner}` },
    );
    assert.equal(joined.errors, undefined, JSON.stringify(joined.errors));
  }

  /** A counted check-in event on the graph's topic, as the venue subgraph's outbox relay sends it. */
  async function sendCheckin(userId: string) {
    const kafka = createKafka(testServices.kafkaBrokers, uniqueId('pk-e2e-'));
    const producer = kafka.producer();
    await producer.connect();
    const event: CheckinEvent = {
      v: 1,
      id: randomUUID(),
      type: 'CHECKED_IN',
      userId,
      venueId: '7',
      cityCode: '310000',
      sessionId: randomUUID(),
      at: new Date().toISOString(),
      counted: true,
      source: 'GPS',
    };
    await producer.send({
      topic: graph.topics.checkinEvents,
      messages: [{ key: event.userId, value: JSON.stringify(event) }],
    });
    await producer.disconnect();
  }
});
