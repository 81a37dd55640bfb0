// A MariaDB Spider front with two shards of a test's own (infra/infra.sh on spare ports and a
// state dir of its own), for tests that kill or hang a shard: doing that to the shared topology
// would break every other test file.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { freeConsecutivePorts, freePort } from './instance.ts';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

export interface PrivateShardedMariadb {
  /** `mysql://…/<database>` on this front. */
  url(database: string): string;
  /** infra/infra.sh with this instance's ports and state dir, e.g. `infra('up', 'shard1')`. */
  infra(...args: string[]): Promise<unknown>;
  /** The pid of a shard's server (to SIGKILL or SIGSTOP it). */
  shardPid(shard: number): number;
  /** Stops the servers and removes the state dir. */
  stop(): Promise<void>;
}

/**
 * Ports are picked free, then bound by MariaDB a moment later; another test file (or an outgoing
 * connection) can take one in between. Such a start is retried on new ports, a few times.
 */
export async function startPrivateShardedMariadb(attempts = 3): Promise<PrivateShardedMariadb> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts();
    } catch (err) {
      if (attempt >= attempts || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

async function startOnFreePorts(): Promise<PrivateShardedMariadb> {
  const state = mkdtempSync('/tmp/sv-private-mariadb-');
  const front = await freePort();
  const shardBase = await freeConsecutivePorts(2, [front]);
  const env = {
    ...process.env,
    SV_STATE_DIR: state,
    MYSQL_PORT: String(front),
    MYSQL_SHARD_PORT: String(shardBase),
    MYSQL_SHARDS: '2',
    MYSQL_SHARD_TIMEOUT: '3',
  };
  const infra = (...args: string[]) => run('bash', ['infra/infra.sh', ...args], { cwd: root, env });
  const stop = async () => {
    await infra('down', 'mariadb').catch(() => {});
    rmSync(state, { recursive: true, force: true });
  };
  await infra('up', 'mariadb').catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return {
    url: (database) => `mysql://sportvenue:sportvenue@127.0.0.1:${front}/${database}`,
    infra,
    shardPid: (shard) => Number(readFileSync(`${state}/run/shard${shard}.pid`, 'utf8')),
    stop,
  };
}
