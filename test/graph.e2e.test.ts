// Scenario: one query through the router resolves fields owned by all four subgraphs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { redisKeys } from '@sport-venue/shared';
import { createChallenge } from '../subgraphs/social/src/challenge-store.ts';
import { writeForecast } from '../subgraphs/prediction/src/forecast-cache.ts';
import { startGraph, type Graph } from './support/graph.ts';
import { nextId } from '@sport-venue/shared';
import { ensureWeChatUser } from '../subgraphs/user/src/user-store.ts';

describe('federated graph through the router', () => {
  let graph: Graph;
  let redis: Redis;
  let venueId: string;
  let userId: string;
  let challengeId: string;

  before(async () => {
    graph = await startGraph();
    redis = new Redis(graph.redisUrl);
    const city = await graph.venue.db.city.create({
      data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
    });
    const venue = await graph.venue.db.venue.create({
      data: {
        id: nextId(),
        cityCode: city.code,
        slug: 'jingan-sports-center',
        name: '静安体育中心',
        address: '上海市静安区江宁路 428 号',
        lat: 31.2304,
        lng: 121.4537,
        sports: ['basketball', 'swimming'],
        capacity: 300,
        timeZone: 'Asia/Shanghai',
        openingHours: { 1: [[360, 1320]] },
      },
    });
    venueId = venue.id.toString();
    const user = await ensureWeChatUser(graph.user.db, { openid: 'o-test-e2e', nickname: '跑者小王' });
    userId = user.id.toString();
    challengeId = (
      await createChallenge(graph.social.challenges, { title: '周末篮球 PK', creatorId: userId, venueId })
    ).id;
    await redis.set(redisKeys.venueCurrent(venueId), '17');
    // This hour and the next: predictedNow reads the hour of the request, which may be the next
    // one when the tests start just before an hour turns.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const point = (at: number) => ({
      at: new Date(at).toISOString(),
      expected: 23,
      low: 15,
      high: 30,
      level: 'BUSY',
    });
    await writeForecast(
      redis,
      venueId,
      { generatedAt: new Date(hour).toISOString(), points: [point(hour), point(hour + 3_600_000)] },
      600,
    );
  });

  after(async () => {
    redis?.disconnect();
    await graph?.stop();
  });

  it('resolves venue, prediction, social and user fields in one operation', async () => {
    const result = await graph.graphql(
      `query($id: ID!) {
        venue(id: $id) {
          name
          city { name }
          location { lat lng }
          currentCount
          predictedNow
          challenges { title creator { id nickname } }
        }
      }`,
      { id: venueId },
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(result.data, {
      venue: {
        name: '静安体育中心',
        city: { name: '上海' },
        location: { lat: 31.2304, lng: 121.4537 },
        currentCount: 17,
        predictedNow: 23,
        challenges: [{ title: '周末篮球 PK', creator: { id: userId, nickname: '跑者小王' } }],
      },
    });
  });

  it('starts from a user and reaches challenges and their venues', async () => {
    const result = await graph.graphql(
      `query($id: ID!) { user(id: $id) { nickname challenges { id venue { name currentCount } } } }`,
      {
        id: userId,
      },
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(result.data, {
      user: {
        nickname: '跑者小王',
        challenges: [{ id: challengeId, venue: { name: '静安体育中心', currentCount: 17 } }],
      },
    });
  });

  it('pages through venues with opaque cursors', async () => {
    const first = await graph.graphql<{
      venues: { edges: Array<{ cursor: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>(`{ venues(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`);
    assert.equal(first.data?.venues.edges.length, 1);
    assert.equal(first.data?.venues.pageInfo.hasNextPage, false);
    const bad = await graph.graphql(`{ venues(first: 1000) { edges { cursor } } }`);
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  it('answers null for unknown ids without errors', async () => {
    const result = await graph.graphql(
      `{ venue(id: "999999") { name } user(id: "not-a-number") { id } challenge(id: "zzz") { id } }`,
    );
    assert.deepEqual(result, { data: { venue: null, user: null, challenge: null }, status: 200 });
  });

  it('reports router readiness from the subgraphs', async () => {
    const res = await fetch(`${graph.router.url}/ready`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { checks: Record<string, string> };
    assert.deepEqual(Object.keys(body.checks).sort(), ['prediction', 'redis', 'social', 'user', 'venue']);
  });
});
