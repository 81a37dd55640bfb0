// What one check-in costs the stores (docs/decisions/0031), counted on the subgraph's own Redis
// connection (socket writes: each is one round trip, whatever auto-pipelining put in it; and the
// commands in them) and on its presence writer (one MariaDB request per transaction), against the
// real Redis and MariaDB. A request alone, so nothing else shares its writes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countRedisRoundTrips, uniqueId, type RoundTripCounter } from '@sport-venue/shared/testing';
import type { RedisClient } from '@sport-venue/shared';
import { startVenueApp, user, type TestVenue, type VenueTestApp } from './support/venue-app.ts';

const CHECK_IN = `mutation($input: CheckInInput!) { checkIn(input: $input) { replayed session { id counted } } }`;

/** Commands the client sends (auto-pipelined or not, each goes through sendCommand once). */
function countRedisCommands(redis: RedisClient): RoundTripCounter {
  let count = 0;
  const send = redis.sendCommand.bind(redis) as (...args: unknown[]) => unknown;
  (redis as unknown as { sendCommand: (...args: unknown[]) => unknown }).sendCommand = (...args) => {
    count++;
    return send(...args);
  };
  return { count: () => count, reset: () => void (count = 0) };
}

let t: VenueTestApp;
let venue: TestVenue;
let trips: RoundTripCounter;
let commands: RoundTripCounter;
let nextUser = 70_000;

before(async () => {
  // No background loops: only the request's own traffic reaches the counters.
  t = await startVenueApp({}, { background: false });
  venue = await t.createVenue();
  trips = countRedisRoundTrips(t.app.redis);
  commands = countRedisCommands(t.app.redis);
  // Warm: every script loaded (a first EVALSHA of a script Redis lacks costs an EVAL more), the
  // venue in the catalog, popular times cached.
  const warm = user(++nextUser);
  await checkIn(warm, uniqueId('warm-'));
  await checkOut(warm);
});
after(async () => {
  await t?.stop();
});

async function checkIn(viewer: ReturnType<typeof user>, idempotencyKey: string) {
  const result = await t.graphql<{ checkIn: { replayed: boolean; session: { id: string } } }>(
    CHECK_IN,
    { input: { venueId: venue.id, lat: venue.lat, lng: venue.lng, accuracyM: 10, idempotencyKey } },
    viewer,
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!.checkIn;
}

async function checkOut(viewer: ReturnType<typeof user>) {
  const result = await t.graphql<{ checkOut: { replayed: boolean } }>(
    `mutation($venueId: ID!) { checkOut(venueId: $venueId) { replayed session { id } } }`,
    { venueId: venue.id },
    viewer,
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!.checkOut;
}

async function costOf(run: () => Promise<unknown>) {
  const transactions = t.app.presenceWriter.stats.transactions;
  trips.reset();
  commands.reset();
  await run();
  return {
    redisRoundTrips: trips.count(),
    redisCommands: commands.count(),
    mariadbTransactions: t.app.presenceWriter.stats.transactions - transactions,
  };
}

describe('store round trips of check-ins and check-outs on one Redis node', () => {
  it('a first check-in costs 4 Redis round trips, 7 commands and one MariaDB request', async () => {
    const viewer = user(++nextUser);
    const cost = await costOf(() => checkIn(viewer, uniqueId('first-')));
    // user step (registering in the journal index) | venue step | expiry index + heat rankings +
    // PUBLISH (while MariaDB writes) | settle (journal and index entry): before decision 0031,
    // 7 round trips and 11 commands (idempotency read and registration ahead, HDEL+HLEN, and the
    // index's compare-and-delete on their own).
    assert.deepEqual(cost, { redisRoundTrips: 4, redisCommands: 7, mariadbTransactions: 1 });
  });

  it('a check-out costs 4 Redis round trips, 4 commands and one MariaDB request', async () => {
    const viewer = user(++nextUser);
    await checkIn(viewer, uniqueId('before-out-'));
    let out: Awaited<ReturnType<typeof checkOut>> | undefined;
    const cost = await costOf(async () => (out = await checkOut(viewer)));
    assert.equal(out!.replayed, false);
    // user step (registering) | venue step | PUBLISH (while MariaDB writes) | settle: before
    // decision 0031, 6 round trips and 7 commands.
    assert.deepEqual(cost, { redisRoundTrips: 4, redisCommands: 4, mariadbTransactions: 1 });
  });

  it('a replayed check-in costs one Redis round trip and writes nothing', async () => {
    const viewer = user(++nextUser);
    const key = uniqueId('replay-');
    const first = await checkIn(viewer, key);
    let again: Awaited<ReturnType<typeof checkIn>> | undefined;
    const cost = await costOf(async () => (again = await checkIn(viewer, key)));
    assert.equal(again!.replayed, true);
    assert.equal(again!.session.id, first.session.id);
    assert.deepEqual(cost, { redisRoundTrips: 1, redisCommands: 1, mariadbTransactions: 0 });
  });
});
