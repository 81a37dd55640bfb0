// Group commit of presence writes (docs/decisions/0026): concurrent changes for one shard share one
// transaction (multi-row upserts of sessions and outbox events), a transaction never spans two
// shards, and a failed transaction leaves every change of it in the journal, from which the
// sweeper makes each durable exactly once. Runs its own Spider front and two shards
// (infra/infra.sh on spare ports and a state dir of its own): it counts commits on the shards and
// kills one, neither of which may disturb other test files.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { shardOfVenueId, withMariadbConnection } from '@sport-venue/shared';
import { migrate, shardServers, shardUrl } from '@sport-venue/shared/migrations';
import { eventually } from '@sport-venue/shared/testing';
import { startPrivateShardedMariadb, type PrivateShardedMariadb } from '../../../infra/private-mariadb.ts';
import { presenceKeys } from '../src/presence/presence-keys.ts';
import type { PresenceChange } from '../src/presence/presence-store.ts';
import { PresenceWriter } from '../src/presence/presence-writer.ts';
import {
  CHECK_IN,
  TEST_START,
  checkInInput,
  startVenueApp,
  user,
  type TestVenue,
  type VenueTestApp,
} from './support/venue-app.ts';

/** No venue fields: reading a venue by id scans every shard, so it fails while one is down. */
const CHECK_IN_SESSION = `mutation($input: CheckInInput!) { checkIn(input: $input) { session { id } } }`;

describe('group commit of presence writes', () => {
  let mariadb: PrivateShardedMariadb;
  let t: VenueTestApp;
  let redis: Redis;
  let shardUrls: string[] = [];
  const venues: TestVenue[] = []; // [on shard0, on shard1]
  let nextUser = 70_000;

  /** COMMITs a shard has executed so far (Spider commits a shard's part of a transaction there). */
  const commits = (shard: number) =>
    withMariadbConnection(shardUrls[shard]!, async (conn) => {
      const [row] = await conn.query("SHOW GLOBAL STATUS LIKE 'Com_commit'");
      return Number(row.Value);
    });
  const rowsOf = (venue: TestVenue) =>
    t.app.db.checkIn.findMany({ where: { venueId: BigInt(venue.id) }, select: { id: true, userId: true } });
  const eventsOf = (venue: TestVenue) =>
    t.app.db.outboxEvent.findMany({
      where: { venueId: BigInt(venue.id) },
      select: { id: true, payload: true },
    });

  const writers: PresenceWriter[] = [];
  /** A writer of the test's own on the app's database (closed after the file). */
  const newWriter = (options: Omit<ConstructorParameters<typeof PresenceWriter>[0], 'databaseUrl'>) => {
    const writer = new PresenceWriter({ databaseUrl: t.config.VENUE_DATABASE_URL, ...options });
    writers.push(writer);
    return writer;
  };

  /** A check-in change as the user step makes it, without Redis: only the writer is under test. */
  const change = (venue: TestVenue): PresenceChange => ({
    batchId: randomUUID(),
    journalAt: Date.now(),
    opened: {
      sessionId: randomUUID(),
      eventId: randomUUID(),
      userId: String(nextUser++),
      venueId: venue.id,
      cityCode: '310000',
      source: 'GPS',
      counted: true,
      startedAt: Date.parse(TEST_START),
      expiresAt: Date.parse(TEST_START) + 90 * 60_000,
    },
  });

  before(async () => {
    mariadb = await startPrivateShardedMariadb();
    const url = mariadb.url('sv_group_commit_venue');
    await migrate('venue', url);
    shardUrls = (await shardServers(url)).map((s) => shardUrl(url, s));
    assert.equal(shardUrls.length, 2);
    t = await startVenueApp({ VENUE_DATABASE_URL: url, CHECKIN_RATE_LIMIT: 10_000, VENUE_DB_POOL_SIZE: 20 });
    redis = new Redis(t.redisUrl);
    for (const shard of [0, 1]) {
      let venue = await t.createVenue();
      while (shardOfVenueId(BigInt(venue.id), 2) !== shard) venue = await t.createVenue();
      venues.push(venue);
    }
    // The app learns the shard count from the front's DDL as it starts.
    await eventually(() => t.app.presenceWriter.laneOf(venues[1]!.id) === 'shard1');
  });
  after(async () => {
    await Promise.all(writers.map((w) => w.close()));
    redis?.disconnect();
    await t?.stop();
    await mariadb?.stop();
  });

  it('writes changes queued together for one shard in one transaction with one row and one event each', async () => {
    const writer = newWriter({
      topic: t.config.CHECKIN_EVENTS_TOPIC,
      shards: () => 2,
    });
    const venue = venues[0]!;
    const changes = Array.from({ length: 50 }, () => change(venue));
    const before = await commits(0);
    await Promise.all(changes.map((c) => writer.persist(c)));
    assert.equal(writer.stats.transactions, 1, 'one transaction for 50 changes');
    assert.equal(writer.stats.rows, 50);
    assert.equal((await commits(0)) - before, 1, 'the shard committed once');
    const rows = await rowsOf(venue);
    assert.deepEqual(rows.map((r) => r.id).sort(), changes.map((c) => c.opened!.sessionId).sort());
    const row = await t.app.db.checkIn.findFirstOrThrow({ where: { id: changes[0]!.opened!.sessionId } });
    assert.deepEqual(
      [row.userId.toString(), row.startedAt.getTime(), row.expiresAt.getTime(), row.counted, row.endedAt],
      [changes[0]!.opened!.userId, changes[0]!.opened!.startedAt, changes[0]!.opened!.expiresAt, true, null],
      'the instants and values the change carried',
    );
    const events = await eventsOf(venue);
    assert.deepEqual(events.map((e) => e.id).sort(), changes.map((c) => c.opened!.eventId).sort());

    // Written again (the sweeper after a request that did write): nothing changes, nothing doubles.
    await Promise.all(changes.map((c) => writer.persist(c)));
    assert.equal(writer.stats.transactions, 2);
    assert.equal((await rowsOf(venue)).length, 50);
    assert.equal((await eventsOf(venue)).length, 50);
  });

  it('caps a transaction at maxRows session rows, never splitting one change', async () => {
    const writer = newWriter({
      topic: t.config.CHECKIN_EVENTS_TOPIC,
      shards: () => 2,
      maxRows: 20,
    });
    const venue = await t.createVenue();
    const lane = writer.laneOf(venue.id);
    await Promise.all(Array.from({ length: 45 }, () => writer.persist(change(venue))));
    assert.deepEqual(
      writer.stats.recent.map((r) => [r.lane, r.venueIds.length]),
      [
        [lane, 20],
        [lane, 20],
        [lane, 5],
      ],
    );
    assert.equal((await rowsOf(venue)).length, 45);
  });

  it('a transaction whose second statement fails leaves nothing of its first behind', async () => {
    const writer = newWriter({ topic: t.config.CHECKIN_EVENTS_TOPIC, shards: () => 2 });
    const venue = venues[0]!;
    const first = change(venue);
    await writer.persist(first);
    // A change whose session is new but whose event id is taken, and that event row locked on the
    // shard: the session insert succeeds, the event insert waits, times out (1205) and fails.
    const second = change(venue);
    second.opened!.eventId = first.opened!.eventId;
    await withMariadbConnection(shardUrls[0]!, async (holder) => {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM OutboxEvent WHERE id = ? FOR UPDATE', [first.opened!.eventId]);
      await assert.rejects(writer.persist(second), /Lock wait timeout|1205/);
    }); // closing the connection ends its transaction
    const session = { where: { id: second.opened!.sessionId } };
    assert.equal(await t.app.db.checkIn.count(session), 0, 'the session row was rolled back with it');
    await writer.persist(second);
    assert.equal(await t.app.db.checkIn.count(session), 1);
    assert.equal(await t.app.db.outboxEvent.count({ where: { id: first.opened!.eventId } }), 1);
  });

  it('never puts changes of venues on two shards in one transaction', async () => {
    const writer = newWriter({
      topic: t.config.CHECKIN_EVENTS_TOPIC,
      shards: () => 2,
    });
    const changes = Array.from({ length: 40 }, (_, i) => change(venues[i % 2]!));
    const before = [await commits(0), await commits(1)];
    await Promise.all(changes.map((c) => writer.persist(c)));
    assert.equal(writer.stats.transactions, 2, 'one transaction per shard');
    for (const { venueIds } of writer.stats.recent)
      assert.equal(
        new Set(venueIds.map((v) => shardOfVenueId(BigInt(v), 2))).size,
        1,
        'one shard per transaction',
      );
    assert.deepEqual([(await commits(0)) - before[0]!, (await commits(1)) - before[1]!], [1, 1]);

    // Through the API: concurrent check-ins and superseding check-ins over both shards.
    const viewers = Array.from({ length: 30 }, () => user(nextUser++));
    const first = await Promise.all(
      viewers.map((v, i) => t.graphql(CHECK_IN, { input: checkInInput(venues[i % 2]!) }, v)),
    );
    assert.deepEqual(
      first.flatMap((r) => r.errors ?? []),
      [],
    );
    const moved = await Promise.all(
      viewers.map((v, i) => t.graphql(CHECK_IN, { input: checkInInput(venues[(i + 1) % 2]!) }, v)),
    );
    assert.deepEqual(
      moved.flatMap((r) => r.errors ?? []),
      [],
    );
    const recent = t.app.presenceWriter.stats.recent;
    assert.ok(recent.length > 0);
    for (const { venueIds } of recent)
      assert.equal(
        new Set(venueIds.map((v) => shardOfVenueId(BigInt(v), 2))).size,
        1,
        'one shard per transaction',
      );
    for (const v of viewers) assert.equal(await redis.hlen(presenceKeys.journal(v.userId)), 0);
  });

  it('concurrent check-ins at one venue land once each, in fewer transactions than check-ins', async () => {
    let venue = await t.createVenue();
    while (shardOfVenueId(BigInt(venue.id), 2) !== 0) venue = await t.createVenue();
    const stats = t.app.presenceWriter.stats;
    const before = stats.transactions;
    const viewers = Array.from({ length: 60 }, () => user(nextUser++));
    const results = await Promise.all(
      viewers.map((v) => t.graphql(CHECK_IN, { input: checkInInput(venue) }, v)),
    );
    assert.deepEqual(
      results.flatMap((r) => r.errors ?? []),
      [],
    );
    const rows = await rowsOf(venue);
    assert.equal(rows.length, 60);
    assert.deepEqual(rows.map((r) => r.userId.toString()).sort(), viewers.map((v) => v.userId).sort());
    const events = await eventsOf(venue);
    assert.equal(events.length, 60);
    assert.equal(new Set(events.map((e) => JSON.parse(e.payload).sessionId)).size, 60);
    assert.ok(
      stats.transactions - before < 60,
      `${stats.transactions - before} transactions for 60 check-ins`,
    );
  });

  it('a failed transaction leaves each of its changes in the journal; the sweeper writes each once after recovery', async () => {
    // Its sessions and events on the shard about to die, the venue row itself on the other one
    // (Beijing's region), read once so the check-in path has it cached while the shard is down.
    let venue = await t.createVenue({ cityCode: '110000' });
    while (shardOfVenueId(BigInt(venue.id), 2) !== 1) venue = await t.createVenue({ cityCode: '110000' });
    const warm = await t.graphql(CHECK_IN_SESSION, { input: checkInInput(venue) }, user(nextUser++));
    assert.deepEqual(warm.errors ?? [], []);
    const [rowsBefore, eventsBefore] = [(await rowsOf(venue)).length, (await eventsOf(venue)).length];
    const stats = t.app.presenceWriter.stats;
    const failedBefore = stats.failedTransactions;
    const pid = mariadb.shardPid(1);
    process.kill(pid, 'SIGKILL');
    const viewers = Array.from({ length: 20 }, () => user(nextUser++));
    let results;
    try {
      // A transaction carrying ten changes fails as a whole: each of its writers learns it.
      const writer = newWriter({
        topic: t.config.CHECKIN_EVENTS_TOPIC,
        shards: () => 2,
      });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () => writer.persist(change(venue))),
      );
      assert.deepEqual(
        outcomes.map((o) => o.status),
        outcomes.map(() => 'rejected'),
      );
      assert.deepEqual([writer.stats.failedTransactions, writer.stats.transactions], [1, 0]);

      // The user step decided each check-in: it is answered although MariaDB could not take it.
      results = await Promise.all(
        viewers.map((v) => t.graphql(CHECK_IN_SESSION, { input: checkInInput(venue) }, v)),
      );
    } finally {
      await mariadb.infra('up', 'shard1');
    }
    assert.deepEqual(
      results.flatMap((r) => r.errors ?? []),
      [],
    );
    const sessions = results.map(
      (r) => (r.data as { checkIn: { session: { id: string } } }).checkIn.session.id,
    );
    assert.ok(stats.failedTransactions > failedBefore, 'transactions failed');
    assert.ok(
      stats.failedTransactions - failedBefore < 20,
      'the failed transactions carried several changes',
    );
    for (const v of viewers)
      assert.equal(await redis.hlen(presenceKeys.journal(v.userId)), 1, 'kept in the journal');

    // Spider reconnects to the restarted shard on a later statement: sweep until everything is in.
    await eventually(
      async () => {
        await t.app.jobs.saveJournal(-1_000);
        return (await rowsOf(venue)).length === rowsBefore + 20;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(await t.app.jobs.saveJournal(-1_000), 0, 'nothing left to write');
    for (const v of viewers) assert.equal(await redis.hlen(presenceKeys.journal(v.userId)), 0);
    const ids = new Set((await rowsOf(venue)).map((r) => r.id));
    for (const s of sessions) assert.ok(ids.has(s), `session ${s} stored`);
    const events = (await eventsOf(venue)).map((e) => JSON.parse(e.payload) as { sessionId: string });
    assert.equal(events.length, eventsBefore + 20, 'one event per check-in, none twice');
    for (const s of sessions) assert.equal(events.filter((e) => e.sessionId === s).length, 1);
  });
});
