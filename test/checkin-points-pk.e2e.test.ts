// Scenario: the whole live path with nothing hand-built. Two friends log in through the router
// (fake WeChat), one challenges the other to an invite-only PK; the friend watches the board over
// graphql-ws without selecting `me`; a real `checkIn` mutation through the router then earns
// points in the user ledger and moves the board the friend sees — venue subgraph, outbox relay,
// Kafka, the user and social consumers, Redis pub/sub and the router's subscription hub.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventually } from '@sport-venue/shared/testing';
import { startGraph, type Graph } from './support/graph.ts';
import { subscribe, wsClient } from './support/ws-client.ts';
import { nextId } from '@sport-venue/shared';

const LOGIN = `mutation($code: String!) { loginWithWeChat(code: $code) { accessToken user { id } } }`;
const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { session { counted } } }`;
const BOARD = `subscription($id: ID!) {
  pkLeaderboardChanged(challengeId: $id) { entries { rank score user { id } } }
}`;

interface Board {
  pkLeaderboardChanged: { entries: Array<{ rank: number; score: number; user: { id: string } }> } | null;
}

describe('a check-in through the router earns points and moves a PK board', () => {
  let graph: Graph;
  let venueId: string;
  const venue = { lat: 31.2304, lng: 121.4537 };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    graph = await startGraph();
    await graph.venue.db.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
    const allDay = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]]));
    venueId = (
      await graph.venue.db.venue.create({
        data: {
          id: nextId(),
          cityCode: '310000',
          slug: 'jingan-sports-center',
          name: '静安体育中心',
          address: '上海市静安区江宁路 428 号',
          ...venue,
          sports: ['basketball'],
          capacity: 300,
          timeZone: 'Asia/Shanghai',
          openingHours: allDay,
          checkinRadiusM: 200,
        },
      })
    ).id.toString();
  });
  after(async () => {
    await graph?.stop();
  });

  const login = async (code: string) => {
    const result = await graph.graphql<{ loginWithWeChat: { accessToken: string; user: { id: string } } }>(
      LOGIN,
      {
        code,
      },
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return { token: result.data!.loginWithWeChat.accessToken, id: result.data!.loginWithWeChat.user.id };
  };

  it('points in the ledger and the new standings on a subscriber’s board', async () => {
    const [alice, bob] = await Promise.all([login('test-scenario-alice'), login('test-scenario-bob')]);
    const now = Date.now();
    const created = await graph.graphql<{ createChallenge: { id: string; inviteCode: string } }>(
      `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) { id inviteCode } }`,
      {
        input: {
          title: '静安打卡 PK',
          type: 'CHECKIN_DAYS',
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now + 3_600_000).toISOString(),
        },
      },
      bearer(alice.token),
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const challenge = created.data!.createChallenge;
    const joined = await graph.graphql(
      `mutation($code: String!) { joinChallenge(inviteCode: $code) { participantCount } }`,
      { code: challenge.inviteCode },
      bearer(bob.token),
    );
    assert.equal(joined.errors, undefined, JSON.stringify(joined.errors));

    const { client } = wsClient(graph.router.url, { authorization: `Bearer ${bob.token}` });
    const board = subscribe<{ data?: Board; errors?: unknown }>(client, BOARD, { id: challenge.id });
    try {
      await eventually(() => {
        const stats = graph.router.hub.stats();
        return stats.subscribers === 1 && stats.listening === stats.groups;
      });

      const checkIn = await graph.graphql<{ checkIn: { session: { counted: boolean } } }>(
        CHECK_IN,
        { input: { venueId, ...venue, accuracyM: 15, idempotencyKey: randomUUID() } },
        bearer(alice.token),
      );
      assert.equal(checkIn.errors, undefined, JSON.stringify(checkIn.errors));
      assert.equal(checkIn.data?.checkIn.session.counted, true);

      // Every result the subscriber gets is a board it may see; the check-in's is the one where
      // Alice leads. (Results are read as they arrive: one may come before the mutation returns.)
      const standings = await eventually(
        () => {
          for (const result of board.results) assert.equal(result.errors, undefined, JSON.stringify(result));
          return board.results
            .map((r) => r.data?.pkLeaderboardChanged?.entries)
            .find((e) => e?.[0]?.score === 1);
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      assert.deepEqual(standings, [
        { rank: 1, score: 1, user: { id: alice.id } },
        { rank: 2, score: 0, user: { id: bob.id } },
      ]);

      const points = await eventually(
        async () => {
          const result = await graph.graphql<{ me: { points: { balance: number } } }>(
            '{ me { points { balance history(first: 5) { edges { node { reason } } } } } }',
            {},
            bearer(alice.token),
          );
          return result.data?.me.points.balance ? result.data.me : null;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      assert.deepEqual(points, {
        points: { balance: 10, history: { edges: [{ node: { reason: 'CHECKIN' } }] } },
      });
    } finally {
      board.stop();
      await client.dispose();
    }
  });
});
