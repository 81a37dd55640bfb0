// Check-in and check-out rules against real Redis and MariaDB, through the subgraph's HTTP API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { channels, checkinEventV1, redisKeys } from '@sport-venue/shared';
import { PresenceStore } from '../src/presence/presence-store.ts';
import { presenceKeys } from '../src/presence/presence-keys.ts';
import { presenceRulesFrom } from '../src/index.ts';
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

type CheckInData = {
  checkIn: {
    replayed: boolean;
    session: {
      id: string;
      expiresAt: string;
      counted: boolean;
      venue: { id: string; currentCount: number };
    };
    previous: null | {
      id: string;
      endReason: string;
      minutes: number;
      venue: { id: string; currentCount: number };
    };
  };
};
type CheckOutData = {
  checkOut: {
    replayed: boolean;
    session: { id: string; endedAt: string; minutes: number; endReason: string };
  };
};

const MIN = 60_000;
let t: VenueTestApp;
let redis: Redis;
let nextUser = 1_000;
const newUser = () => user(++nextUser);
/** ~111 m per 0.001° of latitude. */
const northOf = (v: TestVenue, metres: number) => ({ lat: v.lat + metres / 111_195, lng: v.lng });

before(async () => {
  t = await startVenueApp({ CHECKIN_RATE_LIMIT: 4 });
  redis = new Redis(t.redisUrl);
});
after(async () => {
  redis?.disconnect();
  await t?.stop();
});

async function stateOf(userId: string, venueId: string) {
  return {
    current: await redis.get(redisKeys.venueCurrent(venueId)),
    session: await redis.hgetall(presenceKeys.session(userId)),
    heat: await redis.zscore(redisKeys.venueHeat(venueId), 'score'),
    journal: await redis.hlen(presenceKeys.journal(userId)),
    checkIns: await t.app.db.checkIn.count({ where: { userId: BigInt(userId) } }),
    outbox: await t.app.db.outboxEvent.count(),
  };
}

async function events(userId: string) {
  const rows = await t.app.db.outboxEvent.findMany({ where: { msgKey: userId }, orderBy: { seq: 'asc' } });
  return rows.map((r) => checkinEventV1.parse(JSON.parse(r.payload)));
}

const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  r.errors?.[0]?.extensions?.code;

describe('check-in rejections change nothing', () => {
  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const venue = await t.createVenue();
    const result = await t.graphql(CHECK_IN, { input: checkInInput(venue) });
    assert.equal(codeOf(result), 'UNAUTHENTICATED');
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), null);
  });

  it('refuses coordinates off the globe with BAD_USER_INPUT', async () => {
    const venue = await t.createVenue();
    for (const [bad, field] of [
      [{ lat: 91 }, 'lat'],
      [{ lng: -181 }, 'lng'],
      [{ accuracyM: -5 }, 'accuracyM'],
    ] as const) {
      const result = await t.graphql(CHECK_IN, { input: { ...checkInInput(venue), ...bad } }, newUser());
      assert.equal(codeOf(result), 'BAD_USER_INPUT', JSON.stringify(bad));
      assert.equal(result.errors?.[0]?.extensions?.field, field, JSON.stringify(bad));
    }
  });

  it('refuses an unknown venue with VENUE_NOT_FOUND', async () => {
    const venue = await t.createVenue();
    for (const venueId of ['999999', 'not-an-id']) {
      const result = await t.graphql(CHECK_IN, { input: { ...checkInInput(venue), venueId } }, newUser());
      assert.equal(codeOf(result), 'VENUE_NOT_FOUND');
    }
  });

  it('refuses a fix outside the geofence with OUTSIDE_GEOFENCE, leaving every store as it was', async () => {
    const venue = await t.createVenue({ checkinRadiusM: 200 });
    const viewer = newUser();
    const before = await stateOf(viewer.userId, venue.id);
    const result = await t.graphql(
      CHECK_IN,
      { input: checkInInput(venue, { ...northOf(venue, 400), accuracyM: 50 }) },
      viewer,
    );
    assert.equal(codeOf(result), 'OUTSIDE_GEOFENCE');
    assert.equal(result.errors?.[0]?.extensions?.radiusM, 200);
    assert.deepEqual(await stateOf(viewer.userId, venue.id), before);
  });

  it('accepts a fix whose accuracy circle reaches the venue circle', async () => {
    const venue = await t.createVenue({ checkinRadiusM: 200 });
    const result = await t.graphql(
      CHECK_IN,
      { input: checkInInput(venue, { ...northOf(venue, 260), accuracyM: 80 }) },
      newUser(),
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  });

  it('refuses a fix less accurate than 100 m with LOCATION_TOO_INACCURATE, leaving every store as it was', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    const before = await stateOf(viewer.userId, venue.id);
    const result = await t.graphql(CHECK_IN, { input: checkInInput(venue, { accuracyM: 150 }) }, viewer);
    assert.equal(codeOf(result), 'LOCATION_TOO_INACCURATE');
    assert.deepEqual(await stateOf(viewer.userId, venue.id), before);
  });

  it('refuses a check-in while the venue is closed (venue time zone) with VENUE_CLOSED', async () => {
    // 10:00 in Shanghai is 03:00 in Zürich: a Zürich gym opening at 06:00 is closed.
    const venue = await t.createVenue({
      timeZone: 'Europe/Zurich',
      cityCode: 'CH-261',
      openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[360, 1380]]])),
    });
    const viewer = newUser();
    const before = await stateOf(viewer.userId, venue.id);
    const result = await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer);
    assert.equal(codeOf(result), 'VENUE_CLOSED');
    assert.deepEqual(await stateOf(viewer.userId, venue.id), before);
  });
});

describe('check-in effects', () => {
  it('a double submit (same idempotency key, concurrently) is one check-in with one event', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    const input = checkInInput(venue);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => t.graphql<CheckInData>(CHECK_IN, { input }, viewer)),
    );
    for (const r of results) assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const sessions = new Set(results.map((r) => r.data!.checkIn.session.id));
    assert.equal(sessions.size, 1);
    assert.equal(results.filter((r) => !r.data!.checkIn.replayed).length, 1);
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '1');
    assert.equal(await t.app.db.checkIn.count({ where: { userId: BigInt(viewer.userId) } }), 1);
    assert.deepEqual(
      (await events(viewer.userId)).map((e) => e.type),
      ['CHECKED_IN'],
    );

    const reused = await t.graphql(
      CHECK_IN,
      { input: { ...input, venueId: (await t.createVenue()).id } },
      viewer,
    );
    assert.equal(codeOf(reused), 'BAD_USER_INPUT', 'a key reused for another venue is refused');
  });

  it('a second check-in at the same venue with a new key is ALREADY_CHECKED_IN', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer);
    const before = await stateOf(viewer.userId, venue.id);
    const again = await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer);
    assert.equal(codeOf(again), 'ALREADY_CHECKED_IN');
    assert.deepEqual(await stateOf(viewer.userId, venue.id), before);
  });

  it('checking in elsewhere closes the old session (SUPERSEDED) and moves the headcount', async () => {
    const a = await t.createVenue();
    const b = await t.createVenue({ ...northOf(a, 600) });
    const viewer = newUser();
    const first = await t.graphql<CheckInData>(CHECK_IN, { input: checkInInput(a) }, viewer);
    t.clock.advance(20 * MIN);
    const second = await t.graphql<CheckInData>(CHECK_IN, { input: checkInInput(b) }, viewer);
    t.clock.set(TEST_START);
    assert.equal(second.errors, undefined, JSON.stringify(second.errors));
    const previous = second.data!.checkIn.previous!;
    assert.equal(previous.id, first.data!.checkIn.session.id);
    assert.deepEqual(
      [previous.endReason, previous.minutes, previous.venue.currentCount],
      ['SUPERSEDED', 20, 0],
    );
    assert.equal(second.data!.checkIn.session.venue.currentCount, 1);
    assert.deepEqual(
      (await events(viewer.userId)).map((e) => [e.type, e.venueId, e.reason ?? null]),
      [
        ['CHECKED_IN', a.id, null],
        ['CHECKED_OUT', a.id, 'SUPERSEDED'],
        ['CHECKED_IN', b.id, null],
      ],
    );
  });

  it('refuses implied travel faster than 120 km/h since the previous check-in', async () => {
    const a = await t.createVenue();
    const far = await t.createVenue({ ...northOf(a, 30_000) });
    const viewer = newUser();
    await t.graphql(CHECK_IN, { input: checkInInput(a) }, viewer);
    t.clock.advance(10 * MIN); // 30 km in 10 min = 180 km/h
    const tooFast = await t.graphql(CHECK_IN, { input: checkInInput(far) }, viewer);
    assert.equal(codeOf(tooFast), 'IMPLAUSIBLE_TRAVEL');
    t.clock.advance(10 * MIN); // 30 km in 20 min = 90 km/h
    const plausible = await t.graphql(CHECK_IN, { input: checkInInput(far) }, viewer);
    t.clock.set(TEST_START);
    assert.equal(plausible.errors, undefined, JSON.stringify(plausible.errors));
  });

  it('counts at most one check-in per user and venue per 3 hours, in the event', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    const counted: boolean[] = [];
    for (const offset of [0, 60 * MIN, 3 * 60 * MIN]) {
      t.clock.set(Date.parse(TEST_START) + offset);
      const r = await t.graphql<CheckInData>(CHECK_IN, { input: checkInInput(venue) }, viewer);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      counted.push(r.data!.checkIn.session.counted);
      await t.graphql(CHECK_OUT, { venueId: venue.id }, viewer);
    }
    t.clock.set(TEST_START);
    assert.deepEqual(counted, [true, false, true]);
    assert.deepEqual(
      (await events(viewer.userId)).filter((e) => e.type === 'CHECKED_IN').map((e) => e.counted),
      [true, false, true],
    );
    // The user subgraph derives User.stats from these events; the venue never writes a user's keys.
    assert.equal(await redis.exists(redisKeys.userStats(viewer.userId)), 0);
  });

  it('check-out ends the session with whole minutes and a repeated tap replays it', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer);
    t.clock.advance(47 * MIN + 30_000);
    const out = await t.graphql<CheckOutData>(CHECK_OUT, { venueId: venue.id }, viewer);
    const again = await t.graphql<CheckOutData>(CHECK_OUT, { venueId: venue.id }, viewer);
    t.clock.set(TEST_START);
    assert.equal(out.errors, undefined, JSON.stringify(out.errors));
    assert.deepEqual(
      [out.data!.checkOut.session.minutes, out.data!.checkOut.session.endReason],
      [47, 'EXPLICIT'],
    );
    assert.deepEqual(again.data!.checkOut, { ...out.data!.checkOut, replayed: true });
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '0');
    const row = await t.app.db.checkIn.findFirstOrThrow({ where: { userId: BigInt(viewer.userId) } });
    assert.deepEqual([row.minutes, row.endReason], [47, 'EXPLICIT']);
    const checkout = (await events(viewer.userId)).filter((e) => e.type === 'CHECKED_OUT');
    assert.deepEqual(
      checkout.map((e) => [e.minutes, e.reason]),
      [[47, 'EXPLICIT']],
    );
  });

  it('check-out without a session at that venue is NOT_CHECKED_IN and changes nothing', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    const before = await stateOf(viewer.userId, venue.id);
    assert.equal(codeOf(await t.graphql(CHECK_OUT, { venueId: venue.id }, viewer)), 'NOT_CHECKED_IN');
    assert.deepEqual(await stateOf(viewer.userId, venue.id), before);
  });

  it('checks out automatically after the typical stay, with the stay as minutes', async () => {
    const venue = await t.createVenue({ typicalStayMin: 45 });
    const viewer = newUser();
    const r = await t.graphql<CheckInData>(CHECK_IN, { input: checkInInput(venue) }, viewer);
    assert.equal(
      r.data!.checkIn.session.expiresAt,
      new Date(Date.parse(TEST_START) + 45 * MIN).toISOString(),
    );
    t.clock.advance(44 * MIN);
    assert.equal(await t.app.jobs.autoCheckOut(), 0, 'not due yet');
    t.clock.advance(2 * 60 * MIN); // the sweeper runs late: minutes are still the stay
    assert.ok((await t.app.jobs.autoCheckOut()) >= 1);
    const presence = await t.graphql<{ myPresence: null }>(`{ myPresence { id } }`, {}, viewer);
    t.clock.set(TEST_START);
    assert.deepEqual(presence.data, { myPresence: null });
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '0');
    const row = await t.app.db.checkIn.findFirstOrThrow({ where: { userId: BigInt(viewer.userId) } });
    assert.deepEqual(
      [row.minutes, row.endReason, row.endedAt],
      [45, 'AUTO', new Date(Date.parse(TEST_START) + 45 * MIN)],
    );
    const out = (await events(viewer.userId)).find((e) => e.type === 'CHECKED_OUT')!;
    assert.deepEqual([out.minutes, out.reason], [45, 'AUTO']);
  });

  it('ends a session at closing time when the venue closes before the typical stay', async () => {
    const venue = await t.createVenue({
      typicalStayMin: 90,
      openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[360, 630]]])), // 06:00–10:30
    });
    const r = await t.graphql<CheckInData>(CHECK_IN, { input: checkInInput(venue) }, newUser());
    assert.equal(r.data!.checkIn.session.expiresAt, '2026-12-01T02:30:00.000Z');
  });

  it('limits accepted check-ins and check-outs per user (RATE_LIMITED), changing nothing', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    for (let i = 0; i < 2; i++) {
      assert.equal((await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer)).errors, undefined);
      assert.equal((await t.graphql(CHECK_OUT, { venueId: venue.id }, viewer)).errors, undefined);
    }
    const before = await stateOf(viewer.userId, venue.id);
    const limited = await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer);
    assert.equal(codeOf(limited), 'RATE_LIMITED');
    assert.ok(Number(limited.errors?.[0]?.extensions?.retryAfterS) > 0);
    assert.deepEqual(await stateOf(viewer.userId, venue.id), before);
  });

  it('counts distinct users per day for the heat ranking, per city and overall', async () => {
    const quiet = await t.createVenue({ cityCode: '110000' });
    const busy = await t.createVenue({ cityCode: '110000', ...northOf(quiet, 300) });
    const [u1, u2, u3] = [newUser(), newUser(), newUser()];
    for (const u of [u1, u2, u3]) await t.graphql(CHECK_IN, { input: checkInInput(busy) }, u);
    // Checking in again the same day adds nothing.
    await t.graphql(CHECK_OUT, { venueId: busy.id }, u1);
    await t.graphql(CHECK_IN, { input: checkInInput(busy) }, u1);
    await t.graphql(CHECK_IN, { input: checkInInput(quiet) }, u2);
    const ranking = await t.graphql<{
      venueHeatRanking: Array<{ rank: number; heat: number; venue: { id: string } }>;
    }>(`{ venueHeatRanking(cityCode: "110000") { rank heat venue { id } } }`);
    assert.deepEqual(ranking.data!.venueHeatRanking, [
      { rank: 1, heat: 3, venue: { id: busy.id } },
      { rank: 2, heat: 1, venue: { id: quiet.id } },
    ]);
    const overall = await t.graphql<{ venueHeatRanking: Array<{ venue: { id: string } }> }>(
      `{ venueHeatRanking(first: 100) { venue { id } } }`,
    );
    assert.ok(overall.data!.venueHeatRanking.some((e) => e.venue.id === busy.id));
  });

  it('publishes the new headcount on the venue’s pub/sub channel (contract v1)', async () => {
    const venue = await t.createVenue({ capacity: 10 });
    const subscriber = new Redis(t.redisUrl);
    const messages: Array<Record<string, unknown>> = [];
    const channel = channels.occupancy.name(t.config.PUBSUB_PREFIX, venue.id);
    subscriber.on('message', (ch, payload) => ch === channel && messages.push(JSON.parse(payload)));
    await subscriber.subscribe(channel);
    try {
      const viewer = newUser();
      await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer);
      await t.graphql(CHECK_OUT, { venueId: venue.id }, viewer);
      const deadline = Date.now() + 5_000;
      while (messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        messages.map((m) => [m.v, m.venueId, m.currentCount, m.occupancyLevel, typeof m.at, typeof m.seq]),
        [
          [1, venue.id, 1, 'NOT_BUSY', 'string', 'number'],
          [1, venue.id, 0, 'NOT_BUSY', 'string', 'number'],
        ],
      );
      assert.ok((messages[1]!.seq as number) > (messages[0]!.seq as number));
    } finally {
      subscriber.disconnect();
    }
  });

  it('never lets the headcount go negative', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    await t.graphql(CHECK_IN, { input: checkInInput(venue) }, viewer);
    await redis.set(redisKeys.venueCurrent(venue.id), '0'); // e.g. an operator reset the counter
    await t.graphql(CHECK_OUT, { venueId: venue.id }, viewer);
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '0');
  });

  it('shows the caller their open session', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    const r = await t.graphql<CheckInData>(CHECK_IN, { input: checkInInput(venue) }, viewer);
    const presence = await t.graphql<{ myPresence: { id: string; venue: { id: string } } }>(
      `{ myPresence { id venue { id } } }`,
      {},
      viewer,
    );
    assert.deepEqual(presence.data!.myPresence, { id: r.data!.checkIn.session.id, venue: { id: venue.id } });
  });
});

describe('presence journal', () => {
  const userStep = (
    userId: string,
    venue: TestVenue,
    key: string,
    registered?: Promise<number>,
    journalGraceMs?: number,
  ) =>
    new PresenceStore(redis, {
      ...presenceRulesFrom(t.config),
      ...(journalGraceMs === undefined ? {} : { journalGraceMs }),
    }).checkIn(
      {
        userId,
        venueId: venue.id,
        cityCode: '310000',
        venueLat: venue.lat,
        venueLng: venue.lng,
        now: new Date(TEST_START),
        expiresAt: new Date(Date.parse(TEST_START) + 90 * MIN),
        heatDate: '2026-12-01',
        heatWeight: 1,
        source: 'GPS',
        idempotencyKey: key,
      },
      registered,
    );

  it('keeps the index entry of a request between its registration and its user step through a sweep', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    // The request registers with its idempotency read, a sweep runs before its user step, then the
    // step writes the journal entry and the process dies: the sweeper must still find that entry.
    const registered = new PresenceStore(redis, presenceRulesFrom(t.config)).register(viewer.userId);
    await registered;
    await t.app.jobs.saveJournal(60_000);
    const indexed = () => redis.zscore(presenceKeys.journalIndexOf(viewer.userId), viewer.userId);
    assert.notEqual(await indexed(), null, 'a registration younger than the grace is not stale');
    assert.equal((await userStep(viewer.userId, venue, 'journal-test-race', registered)).ok, true);
    assert.ok((await t.app.jobs.saveJournal(-1_000)) >= 1, 'the abandoned change is swept');
    assert.equal(await t.app.db.checkIn.count({ where: { userId: BigInt(viewer.userId) } }), 1);
    assert.equal(await indexed(), null, 'and its index entry goes with it');
  });

  it('registers again when a cluster user step comes after its registration could be swept as abandoned', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    const graceMs = 400;
    // The request registers (cluster path), then stalls past the grace; a sweep drops the
    // registration as abandoned (the journal is still empty) before the step writes its entry.
    const registered = new PresenceStore(redis, presenceRulesFrom(t.config)).register(viewer.userId);
    await registered;
    await new Promise((resolve) => setTimeout(resolve, graceMs + 50));
    await t.app.jobs.saveJournal(graceMs);
    const indexed = () => redis.zscore(presenceKeys.journalIndexOf(viewer.userId), viewer.userId);
    assert.equal(await indexed(), null, 'the stalled registration was swept');
    // The step finds its registration older than half the grace, registers again and writes its
    // entry behind the new one; the process then dies and the sweeper must still find the change.
    const outcome = await userStep(viewer.userId, venue, 'journal-test-stall', registered, graceMs);
    assert.equal(outcome.ok, true);
    assert.notEqual(await indexed(), null, 'the entry is indexed again');
    assert.ok((await t.app.jobs.saveJournal(-1_000)) >= 1, 'the abandoned change is swept');
    assert.equal(await t.app.db.checkIn.count({ where: { userId: BigInt(viewer.userId) } }), 1);
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '1');
  });

  it('refuses a cluster user step as SERVICE_BUSY and writes nothing when no registration is young enough', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    // A grace no registration can meet, as when this host's clock runs far behind Redis's.
    const registered = new PresenceStore(redis, presenceRulesFrom(t.config)).register(viewer.userId);
    const step = userStep(viewer.userId, venue, 'journal-test-skew', registered, -60_000);
    await assert.rejects(step, (err: { extensions?: { code?: string } }) => {
      assert.equal(err.extensions?.code, 'SERVICE_BUSY');
      return true;
    });
    assert.equal(await redis.hlen(presenceKeys.journal(viewer.userId)), 0, 'no journal entry');
    assert.equal(await redis.exists(presenceKeys.session(viewer.userId)), 0, 'no session');
    assert.equal(await redis.zscore(presenceKeys.journalIndexOf(viewer.userId), viewer.userId), null);
  });

  it('persists a change whose request died after the user step when a retry with the same key replays it', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    const key = 'journal-test-retry';
    // The first attempt's process dies right after the user step; the client retries with the key.
    assert.equal((await userStep(viewer.userId, venue, key)).ok, true);
    const retry = await t.graphql<CheckInData>(
      CHECK_IN,
      { input: checkInInput(venue, { idempotencyKey: key }) },
      viewer,
    );
    assert.equal(retry.errors, undefined, JSON.stringify(retry.errors));
    assert.equal(retry.data!.checkIn.replayed, true);
    // The replay gave its own registration back, but not the index entry the dead change needs.
    assert.notEqual(await redis.zscore(presenceKeys.journalIndexOf(viewer.userId), viewer.userId), null);
    assert.ok((await t.app.jobs.saveJournal(-1_000)) >= 1, 'the sweeper finds the change');
    assert.equal(await t.app.db.checkIn.count({ where: { userId: BigInt(viewer.userId) } }), 1);
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '1');
  });

  it('applies to the venue and persists a change whose request stopped after the user step', async () => {
    const venue = await t.createVenue();
    const viewer = newUser();
    // The user step alone, as if the process died right after it.
    const outcome = await userStep(viewer.userId, venue, 'journal-test-0001');
    assert.equal(outcome.ok, true);
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), null, 'the venue step has not run');
    assert.equal(await t.app.db.checkIn.count({ where: { userId: BigInt(viewer.userId) } }), 0);
    assert.equal(await t.app.jobs.saveJournal(60_000), 0, 'in-flight changes are left to their request');
    // Subscribers learn the headcount the sweeper applied (the dead request never published it).
    const subscriber = new Redis(t.redisUrl);
    const published: Array<Record<string, unknown>> = [];
    const channel = channels.occupancy.name(t.config.PUBSUB_PREFIX, venue.id);
    subscriber.on('message', (ch, payload) => ch === channel && published.push(JSON.parse(payload)));
    try {
      await subscriber.subscribe(channel);
      assert.ok((await t.app.jobs.saveJournal(-1_000)) >= 1);
      const deadline = Date.now() + 10_000;
      while (published.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        published.map((m) => m.currentCount),
        [1],
      );
    } finally {
      subscriber.disconnect();
    }
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '1');
    assert.equal(await t.app.db.checkIn.count({ where: { userId: BigInt(viewer.userId) } }), 1);
    assert.deepEqual(
      (await events(viewer.userId)).map((e) => e.type),
      ['CHECKED_IN'],
    );
    assert.equal(await redis.hlen(presenceKeys.journal(viewer.userId)), 0);
    assert.equal(await redis.zscore(presenceKeys.journalIndexOf(viewer.userId), viewer.userId), null);
    assert.equal(await t.app.jobs.saveJournal(-1_000), 0, 'nothing left to do');
    assert.equal(await redis.get(redisKeys.venueCurrent(venue.id)), '1');
  });

  it('applies a superseding change once when the request stopped after the venue steps', async () => {
    const [a, b] = [await t.createVenue(), await t.createVenue()];
    const viewer = newUser();
    const first = await t.graphql(CHECK_IN, { input: checkInInput(a) }, viewer);
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    const store = new PresenceStore(redis, presenceRulesFrom(t.config));
    const outcome = await userStep(viewer.userId, b, 'journal-test-0002');
    assert.ok(outcome.ok);
    await store.applyToVenues(outcome.change); // then "died" before MariaDB
    assert.ok((await t.app.jobs.saveJournal(-1_000)) >= 1);
    assert.deepEqual(
      [await redis.get(redisKeys.venueCurrent(a.id)), await redis.get(redisKeys.venueCurrent(b.id))],
      ['0', '1'],
    );
    assert.deepEqual(
      (await events(viewer.userId)).map((e) => e.type),
      ['CHECKED_IN', 'CHECKED_OUT', 'CHECKED_IN'],
    );
  });
});
