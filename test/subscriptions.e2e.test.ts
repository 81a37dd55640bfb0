// Scenario: live updates through the router over graphql-ws, events carried on Redis pub/sub
// (contract in docs/events.md), selections resolved through the graph once per event per group.
import { once } from 'node:events';
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { eventually } from '@sport-venue/shared/testing';
import { startGraph, type Graph } from './support/graph.ts';
import { startTokenIssuer } from './support/token-issuer.ts';
import { subscribe, wsClient } from './support/ws-client.ts';
import { nextId } from '@sport-venue/shared';

const OCCUPANCY = `subscription($id: ID!) { occupancyChanged(venueId: $id) { currentCount venue { name city { name } } } }`;

describe('subscriptions through the router', () => {
  let graph: Graph;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  let redis: Redis;
  let venueA: string;
  let venueB: string;

  before(async () => {
    issuer = await startTokenIssuer();
    graph = await startGraph({
      // The init timeout is short enough for the 4408 test to be quick, long enough that 50 sockets
      // opening at once on a busy machine all get their connection_init in (300 ms was not).
      // A small unsent-bytes bound, so the slow-consumer case does not have to fill megabytes.
      routerEnv: {
        USER_JWKS_URL: issuer.jwksUrl,
        WS_INIT_TIMEOUT_MS: '3000',
        MAX_SOCKETS_PER_USER: '3',
        WS_MAX_BUFFERED_BYTES: '65536',
      },
    });
    redis = new Redis(graph.redisUrl);
    await graph.venue.db.city.create({ data: { code: '440300', name: '深圳', timeZone: 'Asia/Shanghai' } });
    const venue = (slug: string, name: string) =>
      graph.venue.db.venue.create({
        data: {
          id: nextId(),
          cityCode: '440300',
          slug,
          name,
          address: '福田区',
          lat: 22.54,
          lng: 114.05,
          sports: ['gym'],
          timeZone: 'Asia/Shanghai',
          openingHours: {},
        },
      });
    venueA = (await venue('a', '莲花山健身房')).id.toString();
    venueB = (await venue('b', '香蜜体育公园')).id.toString();
  });
  after(async () => {
    redis?.disconnect();
    await graph?.stop();
    await issuer?.stop();
  });

  // Each case starts once the previous one's subscriptions are gone.
  afterEach(async () => {
    await eventually(() => graph.router.hub.stats().subscribers === 0);
  });
  // Counted and confirmed by Redis: an event published before SUBSCRIBE completes is not seen.
  const subscribed = (n: number, router = graph.router) =>
    eventually(() => {
      const stats = router.hub.stats();
      return stats.subscribers === n && stats.listening === stats.groups;
    });

  const publish = (venueId: string, currentCount: number) =>
    redis.publish(
      `${graph.pubsubPrefix}occupancy:${venueId}`,
      JSON.stringify({
        v: 1,
        venueId,
        currentCount,
        occupancyLevel: 'NOT_BUSY',
        at: new Date().toISOString(),
      }),
    );

  it('a subscriber receives the event with fields resolved from the venue subgraph', async () => {
    const { client } = wsClient(graph.router.url);
    const sub = subscribe(client, OCCUPANCY, { id: venueA });
    await subscribed(1);
    const next = sub.next();
    await publish(venueA, 7);
    assert.deepEqual(await next, {
      data: {
        occupancyChanged: { currentCount: 7, venue: { name: '莲花山健身房', city: { name: '深圳' } } },
      },
    });
    sub.stop();
    await client.dispose();
  });

  it('only the subscribed venue’s events arrive', async () => {
    const { client } = wsClient(graph.router.url);
    const sub = subscribe(client, OCCUPANCY, { id: venueA });
    await subscribed(1);
    const next = sub.next();
    await publish(venueB, 99);
    await publish(venueA, 8);
    const got = (await next) as { data?: { occupancyChanged: { currentCount: number } } };
    assert.equal(got.data?.occupancyChanged.currentCount, 8, JSON.stringify(got));
    assert.equal(sub.results.length, 1);
    sub.stop();
    await client.dispose();
  });

  it('an event older than one already delivered (lower seq) is dropped', async () => {
    const { client } = wsClient(graph.router.url);
    const sub = subscribe(client, OCCUPANCY, { id: venueA });
    await subscribed(1);
    const channel = `${graph.pubsubPrefix}occupancy:${venueA}`;
    const event = (seq: number, currentCount: number) =>
      JSON.stringify({
        v: 1,
        venueId: venueA,
        currentCount,
        occupancyLevel: null,
        at: new Date().toISOString(),
        seq,
      });
    const first = sub.next();
    await redis.publish(channel, event(10, 5));
    await first;
    await redis.publish(channel, event(9, 4));
    const latest = sub.next();
    await redis.publish(channel, event(11, 6));
    assert.match(JSON.stringify(await latest), /"currentCount":6/);
    assert.deepEqual(
      sub.results.map((r) => JSON.stringify(r).match(/"currentCount":(\d+)/)?.[1]),
      ['5', '6'],
    );
    sub.stop();
    await client.dispose();
  });

  it('many subscriptions on one socket with the same selection share one execution per event', async () => {
    const { client } = wsClient(graph.router.url);
    const subs = Array.from({ length: 20 }, () => subscribe(client, OCCUPANCY, { id: venueA }));
    await subscribed(20);
    assert.equal(graph.router.hub.stats().groups, 1);
    const before = graph.router.hub.stats().executions;
    const all = Promise.all(subs.map((s) => s.next()));
    await publish(venueA, 11);
    const results = await all;
    assert.ok(results.every((r) => JSON.stringify(r).includes('"currentCount":11')));
    assert.equal(graph.router.hub.stats().executions - before, 1);
    subs.forEach((s) => s.stop());
    await client.dispose();
  });

  it('a socket that stops reading is closed with 1013 while the other subscribers get every event', async () => {
    const query = 'subscription($id: ID!) { occupancyChanged(venueId: $id) { venueId currentCount } }';
    const reader = wsClient(graph.router.url);
    const steady = subscribe(reader.client, query, { id: venueA });
    // A thin client that subscribes 50 times on one socket, then stops reading it.
    const slow = new WebSocket(`${graph.router.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await once(slow, 'open');
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await once(slow, 'message');
    for (let i = 0; i < 50; i++)
      slow.send(
        JSON.stringify({ id: String(i), type: 'subscribe', payload: { query, variables: { id: venueA } } }),
      );
    await subscribed(51);
    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const closed = once(slow, 'close');
    const slowClosed = async () => {
      const text = await (await fetch(`${graph.router.url}/metrics`)).text();
      return Number(/^subscription_sockets_closed_slow_total (\d+)/m.exec(text)?.[1] ?? 0) > 0;
    };
    // Past the kernel's socket buffers and then the router's bound: a few megabytes.
    let published = 0;
    while (!(await slowClosed())) {
      assert.ok(published < 100_000, 'the slow socket was never closed');
      const pipeline = redis.pipeline();
      for (let i = 0; i < 100; i++) {
        published += 1;
        pipeline.publish(
          `${graph.pubsubPrefix}occupancy:${venueA}`,
          JSON.stringify({
            v: 1,
            venueId: venueA,
            currentCount: published,
            occupancyLevel: 'NOT_BUSY',
            at: new Date().toISOString(),
          }),
        );
      }
      await pipeline.exec();
    }
    // The reading subscriber missed nothing and the router let go of the slow one.
    await eventually(() => steady.results.length === published, { timeoutMs: 60_000 });
    assert.deepEqual(
      steady.results.map((r) => Number(JSON.stringify(r).match(/"currentCount":(\d+)/)?.[1])),
      Array.from({ length: published }, (_, i) => i + 1),
    );
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    const [code, reason] = (await closed) as [number, Buffer];
    assert.equal(code, 1013);
    assert.equal(String(reason), 'Try Again Later: slow consumer, too many unsent messages');
    await subscribed(1);
    steady.stop();
    await reader.client.dispose();
  });

  it('a second router replica delivers events to its own subscribers', async () => {
    const replica = await graph.startAnotherRouter();
    try {
      const one = wsClient(graph.router.url);
      const two = wsClient(replica.url);
      const a = subscribe(one.client, OCCUPANCY, { id: venueA });
      const b = subscribe(two.client, OCCUPANCY, { id: venueA });
      await subscribed(1);
      await subscribed(1, replica);
      const both = Promise.all([a.next(), b.next()]);
      await publish(venueA, 21);
      const [ra, rb] = await both;
      assert.deepEqual(ra, rb);
      a.stop();
      b.stop();
      await Promise.all([one.client.dispose(), two.client.dispose()]);
    } finally {
      await replica.stop();
    }
  });

  it('1,000 connect/subscribe/disconnect cycles leave no listener behind', async () => {
    const channel = `${graph.pubsubPrefix}occupancy:${venueA}`;
    const channelSubscribers = async () =>
      Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
    await eventually(async () => graph.router.hub.stats().groups === 0 && (await channelSubscribers()) === 0);
    const listenersBefore = graph.router.pubsub.getSubscriber().listenerCount('message');
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const { client } = wsClient(graph.router.url, {}, { lazy: false });
          const sub = subscribe(client, OCCUPANCY, { id: venueA });
          await eventually(() => graph.router.hub.stats().subscribers > 0, { intervalMs: 5 });
          sub.stop();
          await client.dispose();
        }),
      );
    }
    await eventually(
      async () => graph.router.hub.stats().subscribers === 0 && graph.router.hub.stats().groups === 0,
    );
    await eventually(async () => (await channelSubscribers()) === 0);
    assert.equal(graph.router.pubsub.getSubscriber().listenerCount('message'), listenersBefore);
  });

  it('a bad token at connection_init closes the socket with 4403', async () => {
    const { client, closes } = wsClient(graph.router.url, { authorization: 'Bearer not.a.token' });
    const sub = subscribe(client, OCCUPANCY, { id: venueA });
    await eventually(() => sub.done);
    assert.equal(closes[0]?.code, 4403);
    await client.dispose();
  });

  it('the socket closes with 4403 and a clear reason when the access token expires', async () => {
    const token = await issuer.sign({ sub: '1' }, { expiresIn: 2 });
    const { client, closes } = wsClient(graph.router.url, { authorization: `Bearer ${token}` });
    const sub = subscribe(client, OCCUPANCY, { id: venueA });
    await eventually(() => sub.done, { timeoutMs: 10_000 });
    assert.deepEqual(closes[0], { code: 4403, reason: 'Forbidden: access token expired' });
    await client.dispose();
  });

  it('a user may hold a limited number of sockets; one more is refused with 4403', async () => {
    const token = await issuer.sign({ sub: '42' });
    const clients = Array.from({ length: 3 }, () =>
      wsClient(graph.router.url, { authorization: `Bearer ${token}` }),
    );
    const subs = clients.map(({ client }) => subscribe(client, OCCUPANCY, { id: venueA }));
    await subscribed(3);
    const extra = wsClient(graph.router.url, { authorization: `Bearer ${token}` });
    const refused = subscribe(extra.client, OCCUPANCY, { id: venueA });
    await eventually(() => refused.done);
    assert.deepEqual(extra.closes[0], { code: 4403, reason: 'Forbidden: too many sockets for this user' });
    subs.forEach((s) => s.stop());
    await Promise.all([...clients, extra].map(({ client }) => client.dispose()));
  });

  it('a socket that never sends connection_init is closed with 4408', async () => {
    const socket = new WebSocket(`${graph.router.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    assert.equal(code, 4408);
  });

  it('a second subscribe with an id already in use closes the socket with 4409', async () => {
    const socket = new WebSocket(`${graph.router.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    const message = {
      id: 'same',
      type: 'subscribe',
      payload: { query: OCCUPANCY, variables: { id: venueA } },
    };
    socket.send(JSON.stringify(message));
    socket.send(JSON.stringify(message));
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    assert.equal(code, 4409);
  });

  it('a malformed message closes the socket with 4400', async () => {
    const socket = new WebSocket(`${graph.router.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('{"type":"no-such-type"}');
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    assert.equal(code, 4400);
  });
});

describe('supergraph hot reload', () => {
  let graph: Graph;
  let path: string;

  before(async () => {
    const { mkdtempSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    path = join(mkdtempSync(join(tmpdir(), 'sv-supergraph-')), 'supergraph.graphql');
    copyFileSync(new URL('../schema/supergraph.graphql', import.meta.url), path);
    graph = await startGraph({ routerEnv: { SUPERGRAPH_PATH: path, SUPERGRAPH_POLL_MS: '100' } });
  });
  after(async () => {
    await graph?.stop();
  });

  it('a new supergraph ends open subscriptions with SCHEMA_RELOADED and keeps serving', async () => {
    const { appendFileSync } = await import('node:fs');
    const { client } = wsClient(graph.router.url);
    const sub = subscribe(client, OCCUPANCY, { id: '1' });
    await eventually(() => graph.router.hub.stats().subscribers === 1);
    // A redeploy writes a newly composed file.
    appendFileSync(path, '\n# recomposed\n');
    await eventually(() => sub.done, { timeoutMs: 10_000 });
    const error = sub.results.at(-1) as { errors?: Array<{ extensions?: { code?: string } }> } | undefined;
    const code =
      error?.errors?.[0]?.extensions?.code ??
      (sub.errors[0] as Array<{ extensions?: { code?: string } }>)?.[0]?.extensions?.code;
    assert.equal(code, 'SCHEMA_RELOADED');
    const after = await graph.graphql('{ cities { code } }');
    assert.equal(after.errors, undefined);
    await client.dispose();
  });
});
