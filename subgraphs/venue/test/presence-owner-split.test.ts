// A check-in is a user step ({u:<id>} keys) and venue steps ({v:<id>} keys), docs/decisions/0012.
// Across that split the headcount stays exact and every accepted check-in is applied exactly once,
// under concurrency, repeats and a process killed between the steps; on one Redis node and on a
// three-master Redis Cluster alike.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { checkinEventV1, createRedis, redisKeys, redisReady, type RedisClient } from '@sport-venue/shared';
import { testServices, uniqueId } from '@sport-venue/shared/testing';
import { presenceRulesFrom } from '../src/index.ts';
import { presenceKeys } from '../src/presence/presence-keys.ts';
import {
  CHECK_IN,
  CHECK_OUT,
  TEST_START,
  checkInInput,
  startVenueApp,
  user,
  type TestVenue,
  type VenueTestApp,
} from './support/venue-app.ts';

type CheckInData = { checkIn: { replayed: boolean; session: { id: string } } };

const topologies = [
  ['one Redis node', testServices.redisUrl],
  ['a Redis Cluster', testServices.redisClusterUrl],
] as const;

for (const [topology, redisUrl] of topologies) {
  describe(`check-in split by owner on ${topology}`, () => {
    let t: VenueTestApp;
    let redis: RedisClient;
    let nextUser = 0;
    const newUser = () => user(60_000 + ++nextUser);

    before(async () => {
      t = await startVenueApp({ CHECKIN_RATE_LIMIT: 10_000, VENUE_DB_POOL_SIZE: 20 }, { redisUrl });
      redis = createRedis(t.redisUrl);
      await redisReady(redis);
    });
    after(async () => {
      redis?.disconnect();
      await t?.stop();
    });

    /** The venue's count, its present-hash, its open sessions in MariaDB and its CHECKED_IN events. */
    async function venueState(venue: TestVenue) {
      const events = await t.app.db.outboxEvent.findMany({ where: { venueId: BigInt(venue.id) } });
      const parsed = events.map((e) => checkinEventV1.parse(JSON.parse(e.payload)));
      return {
        current: Number((await redis.get(redisKeys.venueCurrent(venue.id))) ?? 0),
        present: await redis.hlen(presenceKeys.venuePresent(venue.id)),
        openRows: await t.app.db.checkIn.count({ where: { venueId: BigInt(venue.id), endedAt: null } }),
        checkedIn: parsed.filter((e) => e.type === 'CHECKED_IN').length,
        checkedOut: parsed.filter((e) => e.type === 'CHECKED_OUT').length,
      };
    }

    it('300 concurrent check-ins at one venue leave the headcount exact', async () => {
      const venue = await t.createVenue();
      const users = Array.from({ length: 300 }, newUser);
      const results = await Promise.all(
        users.map((u) => t.graphql<CheckInData>(CHECK_IN, { input: checkInInput(venue) }, u)),
      );
      assert.deepEqual(
        results.filter((r) => r.errors),
        [],
      );
      // Database writes that lost a race for a connection on a busy machine are the journal's job.
      await t.app.jobs.saveJournal(-1_000);
      assert.deepEqual(await venueState(venue), {
        current: 300,
        present: 300,
        openRows: 300,
        checkedIn: 300,
        checkedOut: 0,
      });
    });

    it('the same idempotency key sent 20 times at once is applied once', async () => {
      const venue = await t.createVenue();
      const viewer = newUser();
      const input = checkInInput(venue, { idempotencyKey: uniqueId('same-') });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => t.graphql<CheckInData>(CHECK_IN, { input }, viewer)),
      );
      assert.deepEqual(
        results.filter((r) => r.errors),
        [],
      );
      const sessions = new Set(results.map((r) => r.data!.checkIn.session.id));
      assert.equal(sessions.size, 1, 'every answer names the same session');
      assert.equal(results.filter((r) => !r.data!.checkIn.replayed).length, 1);
      await t.app.jobs.saveJournal(-1_000);
      assert.deepEqual(await venueState(venue), {
        current: 1,
        present: 1,
        openRows: 1,
        checkedIn: 1,
        checkedOut: 0,
      });
    });

    it('a process killed between the user step and the venue step loses nothing and doubles nothing', async () => {
      const a = await t.createVenue();
      const b = await t.createVenue({ lat: a.lat + 0.003, lng: a.lng });
      const viewer = newUser();
      const first = await t.graphql(CHECK_IN, { input: checkInInput(a) }, viewer);
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));

      // Another process checks the same user in at b (superseding a) and dies after the user step.
      const child = spawn(
        process.execPath,
        [
          new URL('./support/user-step-then-die.ts', import.meta.url).pathname,
          JSON.stringify({
            userId: viewer.userId,
            venueId: b.id,
            cityCode: '310000',
            venueLat: b.lat,
            venueLng: b.lng,
            now: new Date(Date.parse(TEST_START) + 60_000).toISOString(),
            expiresAt: new Date(Date.parse(TEST_START) + 90 * 60_000).toISOString(),
            heatDate: '2026-12-01',
            heatWeight: 1,
            source: 'GPS',
            idempotencyKey: uniqueId('killed-'),
          }),
        ],
        {
          env: {
            ...process.env,
            REDIS_URL: t.redisUrl,
            PRESENCE_RULES: JSON.stringify(presenceRulesFrom(t.config)),
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      assert.equal(signal, 'SIGKILL');
      assert.equal(JSON.parse(out).ok, true, out);

      // The user's side moved, the venues' did not yet: a still counts the user, b does not.
      assert.equal((await redis.hgetall(presenceKeys.session(viewer.userId))).venueId, b.id);
      assert.deepEqual([(await venueState(a)).current, (await venueState(b)).current], [1, 0]);

      assert.ok((await t.app.jobs.saveJournal(-1_000)) >= 1, 'the sweeper finishes the change');
      const expected = {
        a: { current: 0, present: 0, openRows: 0, checkedIn: 1, checkedOut: 1 },
        b: { current: 1, present: 1, openRows: 1, checkedIn: 1, checkedOut: 0 },
      };
      assert.deepEqual({ a: await venueState(a), b: await venueState(b) }, expected);
      assert.equal(await redis.hlen(presenceKeys.journal(viewer.userId)), 0);

      // Sweeping again (another replica, a later pass) changes nothing.
      assert.equal(await t.app.jobs.saveJournal(-1_000), 0);
      assert.deepEqual({ a: await venueState(a), b: await venueState(b) }, expected);

      const out2 = await t.graphql(CHECK_OUT, { venueId: b.id }, viewer);
      assert.equal(out2.errors, undefined, JSON.stringify(out2.errors));
      assert.equal((await venueState(b)).current, 0);
    });
  });
}
