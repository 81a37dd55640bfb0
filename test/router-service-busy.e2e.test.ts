// Scenario: the venue database is saturated (another session holds a slot's row lock, the venue's
// two pool connections wait on it). Bookings that cannot get a connection in time reach the client
// through the router as SERVICE_BUSY with HTTP 503 and Retry-After, never as an internal error;
// the others are booked once the lock goes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withMariadbConnection } from '@sport-venue/shared';
import { eventually } from '@sport-venue/shared/testing';
import { startGraph, type Graph } from './support/graph.ts';
import { nextId } from '@sport-venue/shared';

describe('bookings through the router on a saturated database', () => {
  let graph: Graph;
  before(async () => {
    graph = await startGraph({ venueEnv: { VENUE_DB_POOL_SIZE: 2, BOOKING_TX_MAX_WAIT_MS: 300 } });
  });
  after(async () => {
    await graph?.stop();
  });

  it('answers the shed bookings 503 with Retry-After and SERVICE_BUSY', async () => {
    const db = graph.venue.db;
    await db.city.upsert({
      where: { code: '310000' },
      create: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
      update: {},
    });
    const allDay = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]]));
    const venue = await db.venue.create({
      data: {
        id: nextId(),
        cityCode: '310000',
        slug: 'busy-venue',
        name: '繁忙场馆',
        address: '人民广场',
        lat: 31.2304,
        lng: 121.4737,
        sports: ['badminton'],
        capacity: 100,
        timeZone: 'Asia/Shanghai',
        openingHours: allDay,
      },
    });
    const startsAt = new Date(Date.now() + 48 * 3_600_000);
    const slot = await db.bookingSlot.create({
      data: {
        id: nextId(),
        venueId: venue.id,
        resource: 'court 1',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        capacity: 20,
      },
    });
    const slotId = `${venue.id}-${slot.id}`;
    const tokens = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const login = await graph.graphql<{ loginWithWeChat: { accessToken: string } }>(
          `mutation { loginWithWeChat(code: "test-busy-${i}") { accessToken } }`,
        );
        assert.equal(login.errors, undefined, JSON.stringify(login.errors));
        return login.data!.loginWithWeChat.accessToken;
      }),
    );

    const book = async (token: string) => {
      const res = await fetch(`${graph.router.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'mutation($slotId: ID!) { bookSlot(slotId: $slotId) { status } }',
          variables: { slotId },
        }),
      });
      const body = (await res.json()) as {
        data?: { bookSlot: { status: string } } | null;
        errors?: Array<{ extensions?: Record<string, unknown> }>;
      };
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        outcome: String(body.errors?.[0]?.extensions?.code ?? body.data?.bookSlot.status),
      };
    };

    const results = await withMariadbConnection(graph.venue.config.VENUE_DATABASE_URL, async (conn) => {
      await conn.beginTransaction();
      await conn.query('SELECT id FROM BookingSlot WHERE id = ? FOR UPDATE', [slot.id]);
      const done: unknown[] = [];
      const pending = tokens.map((token) => book(token).then((r) => (done.push(r), r)));
      await eventually(() => done.length >= 3, { timeoutMs: 60_000 });
      await conn.rollback();
      return Promise.all(pending);
    });

    const shed = results.filter((r) => r.outcome === 'SERVICE_BUSY');
    const booked = results.filter((r) => r.outcome === 'CONFIRMED');
    assert.equal(shed.length + booked.length, 6, JSON.stringify(results));
    assert.ok(shed.length >= 3, JSON.stringify(results));
    for (const r of shed) {
      assert.equal(r.status, 503);
      assert.ok(Number(r.retryAfter) >= 1, `Retry-After: ${r.retryAfter}`);
    }
    for (const r of booked) assert.equal(r.status, 200);
  });
});
