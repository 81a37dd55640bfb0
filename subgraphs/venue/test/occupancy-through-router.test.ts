// Through the router: a graphql-ws subscriber to occupancyChanged receives the new headcount when
// someone checks in (venue subgraph → Redis pub/sub → router → WebSocket).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { eventually, uniqueId } from '@sport-venue/shared/testing';
import { channels } from '@sport-venue/shared';
import { startGraph, type Graph } from '../../../test/support/graph.ts';
import { startTokenIssuer } from '../../../test/support/token-issuer.ts';
import { nextId } from '@sport-venue/shared';

describe('occupancy updates through the router', () => {
  let graph: Graph;
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  let client: Client;
  let venueId: string;

  before(async () => {
    issuer = await startTokenIssuer();
    graph = await startGraph({ routerEnv: { USER_JWKS_URL: issuer.jwksUrl } });
    await graph.venue.db.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
    venueId = (
      await graph.venue.db.venue.create({
        data: {
          id: nextId(),
          cityCode: '310000',
          slug: 'jingan-sports-center',
          name: '静安体育中心',
          address: '静安区江宁路 428 号',
          lat: 31.2352,
          lng: 121.4456,
          sports: ['basketball'],
          capacity: 400,
          timeZone: 'Asia/Shanghai',
          openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]])),
        },
      })
    ).id.toString();
    client = createClient({
      url: `${graph.router.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
  });

  after(async () => {
    await client?.dispose();
    await graph?.stop();
    await issuer?.stop();
  });

  it('a graphql-ws subscriber receives the new count after a check-in', async () => {
    const received: Array<Record<string, unknown>> = [];
    const errors: unknown[] = [];
    const unsubscribe = client.subscribe<{ occupancyChanged: Record<string, unknown> }>(
      {
        query: `subscription($id: ID!) {
          occupancyChanged(venueId: $id) { venueId currentCount occupancyLevel venue { name } }
        }`,
        variables: { id: venueId },
      },
      {
        next: (message) => received.push(message.data!.occupancyChanged),
        error: (err) => errors.push(err),
        complete: () => undefined,
      },
    );
    try {
      // The router subscribes to the venue's channel once the subscription is set up.
      const channel = channels.occupancy.name(graph.venue.config.PUBSUB_PREFIX, venueId);
      const probe = new Redis(graph.redisUrl);
      await eventually(async () => {
        const [, n] = (await probe.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
        return Number(n) > 0;
      });
      probe.disconnect();

      const token = await issuer.sign({ sub: '777001' });
      const checkIn = await graph.graphql(
        `mutation($input: CheckInInput!) { checkIn(input: $input) { session { id } } }`,
        { input: { venueId, lat: 31.2352, lng: 121.4456, accuracyM: 12, idempotencyKey: uniqueId('e2e-') } },
        { authorization: `Bearer ${token}` },
      );
      assert.equal(checkIn.errors, undefined, JSON.stringify(checkIn.errors));
      await eventually(() => received.length > 0 || errors.length > 0, { timeoutMs: 10_000 });
      assert.deepEqual(errors, []);
      assert.deepEqual(received[0], {
        venueId,
        currentCount: 1,
        occupancyLevel: 'NOT_BUSY',
        venue: { name: '静安体育中心' },
      });
    } finally {
      unsubscribe();
    }
  });
});
