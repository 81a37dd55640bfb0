// Stopping the user subgraph releases every client (MariaDB pools, Redis, both Kafka consumers):
// the process then ends by itself, with nothing left open, even when its Kafka broker accepts
// connections but never answers (a stopped or overloaded broker) or when the stop comes while the
// consumers are still joining their groups.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { createTestDatabase, createTestRedis, testServices, uniqueId } from '@sport-venue/shared/testing';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** Starts the subgraph in a child, stops it once `ready()` resolves; what it reported and how it ended. */
async function startThenStop(env: Record<string, string>, ready: () => Promise<unknown> = async () => {}) {
  const child = spawn(process.execPath, ['subgraphs/user/test/fixtures/start-stop.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`child ended (${child.exitCode}):\n${stderr}`);
    return JSON.parse(line.value as string) as Record<string, unknown>;
  };
  try {
    assert.deepEqual(await next(), { started: true }, stderr);
    await ready();
    child.stdin.write('stop\n');
    const stopped = await next();
    assert.equal(stopped.stopped, true, stderr);
    // Generous: what is checked is "ends by itself"; a client left open would keep it forever.
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const drained = await next().catch(() => null);
    if (process.env.TEST_LOG_LEVEL) console.error({ stopped, drained });
    const code = await exited;
    clearTimeout(timer);
    return { stopped, drained, code, stderr: () => stderr };
  } finally {
    child.kill('SIGKILL');
  }
}

describe('user subgraph stop', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: Awaited<ReturnType<typeof createTestRedis>>;
  const env = () => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    USER_DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    POINTS_CONSUMER_GROUP: uniqueId('stop-points-'),
    STATS_CONSUMER_GROUP: uniqueId('stop-stats-'),
    CHECKIN_EVENTS_TOPIC: uniqueId('checkin.events.'),
    POINTS_COMMANDS_TOPIC: uniqueId('points.commands.'),
  });

  before(async () => {
    [database, redis] = await Promise.all([createTestDatabase('user'), createTestRedis()]);
  });
  after(async () => {
    await database?.drop();
  });

  it('ends by itself with nothing open when the broker accepts connections but never answers', async () => {
    // A broker that is there but silent: connects succeed, requests never get a reply.
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    try {
      const { stopped, drained, code, stderr } = await startThenStop(
        { ...env(), KAFKA_BROKERS: `127.0.0.1:${(silent.address() as { port: number }).port}` },
        () => connected, // the consumers are in the middle of connecting
      );
      assert.equal(stopped.brokerSockets, 0, 'no connection to the broker is open once stop() returned');
      assert.ok(drained?.drained, `the process did not end by itself:\n${stderr()}`);
      assert.equal(code, 0, stderr());
      assert.ok(held.length > 0, 'the consumers had connected to the broker');
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  it('ends by itself with nothing open when stopped while its consumers join their groups', async () => {
    const { stopped, drained, code, stderr } = await startThenStop({
      ...env(),
      KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
    });
    assert.equal(stopped.brokerSockets, 0, 'no connection to the broker is open once stop() returned');
    assert.ok(drained?.drained, `the process did not end by itself:\n${stderr()}`);
    assert.equal(code, 0, stderr());
  });
});
