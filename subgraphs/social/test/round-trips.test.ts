// No N+1 in the social subgraph: a query over 20 venues, users or challenges costs the same MongoDB
// and Redis round trips as the same query over 2 (one of each challenge type), counted on the
// subgraph's own connections to the real FerretDB and Redis.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  countMongoRoundTrips,
  countRedisRoundTrips,
  type RoundTripCounter,
} from '@sport-venue/shared/testing';
import { startSocialApp, type SocialApp } from './support.ts';

const VIEWER = '501';
const N = 20;

let t: SocialApp;
let mongo: RoundTripCounter;
let redis: RoundTripCounter;
const challengeIds: string[] = [];
const creators = Array.from({ length: N }, (_, i) => String(600 + i));
const venues = Array.from({ length: N }, (_, i) => String(7_000 + i));

// Everything a client can ask of a challenge that reads a store.
const CHALLENGE_FIELDS = `id title participantCount participants { id } creator { id } venue { id }
  leaderboard(first: 3) { entries { rank score user { id } } me { rank score } neighbours { rank } teamProgress { total } }
  teamProgress { total goal reached }`;

before(async () => {
  t = await startSocialApp();
  // Alternating types: CHECKIN_DAYS boards are ranked (who ranks above is counted), TEAM_GOAL
  // ones are not and have a team total. The viewer joins every one, so each board has a "me".
  for (let i = 0; i < N; i++) {
    const teamGoal = i % 2 === 1;
    const created = await t.graphql(
      `mutation($input: CreateChallengeInput!) { createChallenge(input: $input) { id inviteCode } }`,
      {
        input: {
          title: `PK ${i}`,
          type: teamGoal ? 'TEAM_GOAL' : 'CHECKIN_DAYS',
          visibility: 'PUBLIC',
          cityCode: '310000',
          venueId: venues[i],
          ...(teamGoal ? { goal: 120 } : {}),
        },
      },
      creators[i],
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const { id, inviteCode } = created.data!.createChallenge as { id: string; inviteCode: string };
    challengeIds.push(id);
    const joined = await t.graphql(
      `mutation($code: String!) { joinChallenge(inviteCode: $code) { id } }`,
      { code: inviteCode },
      VIEWER,
    );
    assert.equal(joined.errors, undefined, JSON.stringify(joined.errors));
  }
  mongo = countMongoRoundTrips(t.app.connection);
  redis = countRedisRoundTrips(t.app.redis);
});
after(async () => {
  await t?.stop();
});

/** Round trips of one query; the answer must be complete and error-free. */
async function tripsOf(query: string, reps: Array<Record<string, string>>) {
  mongo.reset();
  redis.reset();
  const result = await t.graphql(query, { reps }, VIEWER);
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  const entities = result.data!._entities as Array<Record<string, unknown>>;
  assert.equal(entities.length, reps.length);
  return { entities, trips: { mongo: mongo.count(), redis: redis.count() } };
}

async function assertConstant(query: string, rep: (i: number) => Record<string, string>) {
  const few = await tripsOf(query, [0, 1].map(rep));
  const many = await tripsOf(
    query,
    Array.from({ length: N }, (_, i) => rep(i)),
  );
  assert.ok(few.trips.mongo + few.trips.redis > 0, 'the counters see the store traffic');
  assert.deepEqual(many.trips, few.trips, `${N} items cost what 2 cost`);
  return many.entities;
}

describe('store round trips of lists', () => {
  it('Venue.challenges of 20 venues costs what 2 cost', async () => {
    const entities = await assertConstant(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Venue { id challenges { ${CHALLENGE_FIELDS} } } } }`,
      (i) => ({ __typename: 'Venue', id: venues[i]! }),
    );
    for (const [i, venue] of entities.entries()) {
      const [challenge] = venue.challenges as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal(challenge!.id, challengeIds[i]);
      assert.equal(challenge!.participantCount, 2);
      assert.equal(challenge!.leaderboard.me.score, 0, 'the viewer is on every board');
      assert.equal(challenge!.leaderboard.neighbours.length, 1);
    }
  });

  it('User.challenges of 20 users costs what 2 cost', async () => {
    const entities = await assertConstant(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id challenges { ${CHALLENGE_FIELDS} } } } }`,
      (i) => ({ __typename: 'User', id: creators[i]! }),
    );
    for (const [i, user] of entities.entries())
      assert.deepEqual(
        (user.challenges as Array<{ id: string }>).map((c) => c.id),
        [challengeIds[i]],
      );
  });

  it('Challenge references of 20 challenges cost what 2 cost', async () => {
    const entities = await assertConstant(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Challenge { ${CHALLENGE_FIELDS} } } }`,
      (i) => ({ __typename: 'Challenge', id: challengeIds[i]! }),
    );
    assert.deepEqual(
      entities.map((c) => c.id),
      challengeIds,
    );
    assert.deepEqual(entities[1]!.teamProgress, { total: 0, goal: 120, reached: false });
  });
});
