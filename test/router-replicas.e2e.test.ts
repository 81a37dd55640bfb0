// Two real router processes on one Redis Cluster (docs/decisions/0022): a user's socket slots and
// request budgets are one allowance across replicas, and a replica that dies without a goodbye
// gives its sockets' slots back when their leases end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRedis, redisReady, type RedisClient } from '@sport-venue/shared';
import { createTestRedis, eventually, testServices, uniqueId } from '@sport-venue/shared/testing';
import { freePort } from '../infra/instance.ts';
import { socketSlotKey } from '../router/src/socket-slots.ts';
import { startTokenIssuer } from './support/token-issuer.ts';
import { subscribe, wsClient } from './support/ws-client.ts';

const root = new URL('../', import.meta.url).pathname;
const MAX_SOCKETS = 3;
const LEASE_MS = 5_000;
const PER_USER_PER_MINUTE = 5;
// User ids are numeric (the router refuses other subjects); random ones keep runs apart.
const newUserId = () => String(1_000_000 + Math.floor(Math.random() * 1e9));
const OCCUPANCY = `subscription($id: ID!) { occupancyChanged(venueId: $id) { currentCount } }`;

interface RouterProcess {
  url: string;
  child: ChildProcess;
}

describe('limits across router replicas', () => {
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  let redis: RedisClient;
  let redisUrl: string;
  const routers: RouterProcess[] = [];

  async function startRouterProcess(): Promise<RouterProcess> {
    const port = await freePort();
    // Nothing listens on port 9: these tests never reach a subgraph.
    const nowhere = 'http://127.0.0.1:9/graphql';
    const child = spawn(process.execPath, ['router/src/index.ts'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
        ROUTER_PORT: String(port),
        REDIS_URL: redisUrl,
        PUBSUB_PREFIX: `${uniqueId('t')}:`,
        USER_JWKS_URL: issuer.jwksUrl,
        USER_SUBGRAPH_URL: nowhere,
        VENUE_SUBGRAPH_URL: nowhere,
        SOCIAL_SUBGRAPH_URL: nowhere,
        PREDICTION_SUBGRAPH_URL: nowhere,
        MAX_SOCKETS_PER_USER: String(MAX_SOCKETS),
        WS_SOCKET_LEASE_MS: String(LEASE_MS),
        RATE_LIMIT_PER_USER_PER_MINUTE: String(PER_USER_PER_MINUTE),
        RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
      },
    });
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/health`)).ok, { timeoutMs: 120_000, intervalMs: 200 });
    const router = { url, child };
    routers.push(router);
    return router;
  }

  before(async () => {
    issuer = await startTokenIssuer();
    redisUrl = (await createTestRedis(testServices.redisClusterUrl)).url;
    redis = createRedis(redisUrl);
    await redisReady(redis);
    await Promise.all([startRouterProcess(), startRouterProcess()]);
  });
  after(async () => {
    for (const { child } of routers) if (child.exitCode === null && child.signalCode === null) child.kill();
    redis?.disconnect();
    await issuer?.stop();
  });

  /** A user's socket on a router: acknowledged (`connection_ack`) or refused (closed). */
  async function openSocket(router: RouterProcess, token: string) {
    const socket = wsClient(router.url, { authorization: `Bearer ${token}` });
    let acknowledged = false;
    socket.client.on('connected', () => (acknowledged = true));
    // The client connects lazily, on its first subscription (no event ever comes for venue 1).
    const sub = subscribe(socket.client, OCCUPANCY, { id: '1' });
    await eventually(() => acknowledged || socket.closes.length > 0 || sub.done, { timeoutMs: 30_000 });
    return { ...socket, accepted: acknowledged && socket.closes.length === 0 };
  }

  it('the socket over router B past the user’s limit is refused while the others are open on router A', async () => {
    const [a, b] = routers as [RouterProcess, RouterProcess];
    const token = await issuer.sign({ sub: newUserId() });
    const open = [];
    for (let i = 0; i < MAX_SOCKETS; i++) open.push(await openSocket(a, token));
    try {
      assert.deepEqual(
        open.map((s) => s.accepted),
        [true, true, true],
      );
      const extra = await openSocket(b, token);
      assert.equal(extra.accepted, false);
      assert.deepEqual(extra.closes[0], { code: 4403, reason: 'Forbidden: too many sockets for this user' });
      await extra.client.dispose();
      // Another user is not affected.
      const other = await openSocket(b, await issuer.sign({ sub: newUserId() }));
      assert.equal(other.accepted, true);
      await other.client.dispose();
    } finally {
      await Promise.all(open.map((s) => s.client.dispose()));
    }
  });

  it('a socket that closes on one router frees its slot for a socket on the other', async () => {
    const [a, b] = routers as [RouterProcess, RouterProcess];
    const token = await issuer.sign({ sub: newUserId() });
    const open = [await openSocket(a, token), await openSocket(b, token), await openSocket(a, token)];
    assert.ok(open.every((s) => s.accepted));
    const refused = await openSocket(b, token);
    assert.equal(refused.accepted, false);
    await refused.client.dispose();

    await open[0]!.client.dispose();
    // The release is one command after the close: the next socket gets the slot once it landed.
    const reopened = await eventually(
      async () => {
        const s = await openSocket(b, token);
        if (s.accepted) return s;
        await s.client.dispose();
        return null;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    await Promise.all([reopened, ...open.slice(1)].map((s) => s.client.dispose()));
  });

  it('the slots of a router killed without closing its sockets free themselves when their leases end', async (t) => {
    const victim = await startRouterProcess();
    const survivor = routers[0]!;
    const userId = newUserId();
    const token = await issuer.sign({ sub: userId });
    const held = [];
    for (let i = 0; i < MAX_SOCKETS; i++) held.push(await openSocket(victim, token));
    assert.ok(held.every((s) => s.accepted));
    // Renewed past the first lease: the heartbeat keeps a live router's slots.
    await new Promise((r) => setTimeout(r, LEASE_MS * 1.5));
    const stillHeld = await openSocket(survivor, token);
    assert.equal(stillHeld.accepted, false, 'a live router keeps its sockets’ slots past one lease');
    await stillHeld.client.dispose();

    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    const killedAt = Date.now();
    assert.equal(await redis.zcard(socketSlotKey(userId)), MAX_SOCKETS, 'no goodbye from a killed router');
    const freed = await eventually(
      async () => {
        const s = await openSocket(survivor, token);
        if (s.accepted) return s;
        await s.client.dispose();
        return null;
      },
      { timeoutMs: LEASE_MS * 10, intervalMs: 250 },
    );
    // How long it took is reported, not asserted (a busy host stretches it).
    t.diagnostic(
      `a killed router's socket slots freed after ${Date.now() - killedAt} ms (lease ${LEASE_MS} ms)`,
    );
    await freed.client.dispose();
    await Promise.all(held.map((s) => s.client.dispose()));
  });

  it('a user’s request budget is one across both routers', async () => {
    const [a, b] = routers as [RouterProcess, RouterProcess];
    const token = await issuer.sign({ sub: newUserId() });
    const ask = async (router: RouterProcess) => {
      const res = await fetch(`${router.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      return res.status === 429 ? (body.errors?.[0]?.extensions?.code ?? '429') : 'served';
    };
    const answers = [];
    for (const router of [a, b, a, b, a, b, a]) answers.push(await ask(router));
    assert.deepEqual(answers, [
      'served',
      'served',
      'served',
      'served',
      'served',
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
  });
});
