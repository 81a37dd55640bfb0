// The headcount is exact under any interleaving: 500 concurrent check-ins and check-outs by 50
// users over two neighbouring venues (so check-ins also supersede sessions elsewhere).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { channels, redisKeys } from '@sport-venue/shared';
import { presenceKeys } from '../src/presence/presence-keys.ts';
import {
  CHECK_IN,
  CHECK_OUT,
  checkInInput,
  startVenueApp,
  user,
  type VenueTestApp,
} from './support/venue-app.ts';

let t: VenueTestApp;
let redis: Redis;

before(async () => {
  t = await startVenueApp({ CHECKIN_RATE_LIMIT: 10_000, VENUE_DB_POOL_SIZE: 20 });
  redis = new Redis(t.redisUrl);
});
after(async () => {
  redis?.disconnect();
  await t?.stop();
});

describe('headcount under concurrency', () => {
  it('500 concurrent check-ins/outs by 50 users leave the exact count, never negative', async () => {
    const a = await t.createVenue();
    const b = await t.createVenue({ lat: a.lat + 0.003, lng: a.lng }); // ~330 m apart
    const venues = [a, b];
    const users = Array.from({ length: 50 }, (_, i) => user(20_000 + i));

    // Watch every published count: none may be negative.
    const subscriber = new Redis(t.redisUrl);
    const published: number[] = [];
    subscriber.on('pmessage', (_p, _ch, payload) => published.push(JSON.parse(payload).currentCount));
    await subscriber.psubscribe(channels.occupancy.pattern(t.config.PUBSUB_PREFIX));
    try {
      const ops = users.flatMap((u, i) =>
        Array.from({ length: 10 }, (_, k) => {
          const venue = venues[(i + k) % 2]!;
          return (k + i) % 3 === 2
            ? t.graphql(CHECK_OUT, { venueId: venue.id }, u)
            : t.graphql(CHECK_IN, { input: checkInInput(venue) }, u);
        }),
      );
      const results = await Promise.all(ops);
      const codes = new Set(results.flatMap((r) => r.errors?.map((e) => String(e.extensions?.code)) ?? []));
      for (const code of codes) assert.ok(['ALREADY_CHECKED_IN', 'NOT_CHECKED_IN'].includes(code), code);
      assert.ok(results.filter((r) => !r.errors).length > 100, 'most operations were accepted');

      for (const venue of venues) {
        const current = Number(await redis.get(redisKeys.venueCurrent(venue.id)));
        const present = await redis.hkeys(presenceKeys.venuePresent(venue.id));
        const sessionsHere = (
          await Promise.all(users.map((u) => redis.hget(presenceKeys.session(u.userId), 'venueId')))
        ).filter((v) => v === venue.id).length;
        const openRows = await t.app.db.checkIn.count({
          where: { venueId: BigInt(venue.id), endedAt: null },
        });
        assert.equal(current, present.length, 'count = present-hash');
        assert.equal(current, sessionsHere, 'count = users whose session is here');
        assert.equal(current, openRows, 'count = open sessions in MariaDB');
      }
      // Every session that ended was closed once, every check-in opened one.
      const total = await t.app.db.checkIn.count();
      const ended = await t.app.db.checkIn.count({ where: { endedAt: { not: null } } });
      const events = await t.app.db.outboxEvent.count();
      assert.equal(events, total + ended);
      for (const u of users) assert.equal(await redis.hlen(presenceKeys.journal(u.userId)), 0);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      // Also when an assertion failed: an open subscriber would keep the file running.
      subscriber.disconnect();
    }
    assert.ok(published.length > 0);
    assert.ok(published.every((n) => n >= 0));
  });
});
