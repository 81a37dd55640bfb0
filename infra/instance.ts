// Isolated, throw-away service instances for tests that stop or kill a service ("stop Kafka
// during check-ins", "/ready turns unready when Redis stops") without disturbing the shared
// instance on the default ports. Each instance gets its own temporary SV_STATE_DIR and free
// ports, and is driven by infra/infra.sh exactly like the shared one (same cached jars/binaries).
//
//   const redis = await startIsolated('redis');
//   ... connect to redis.url ...
//   await redis.stop();   // SIGTERM, like an outage
//   await redis.start();  // same port and data dir again
//   await redis.destroy(); // stop and delete the state dir
//
// Instances still running when the process exits are stopped (synchronously, best effort).
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type Service = 'redis' | 'kafka' | 'mariadb' | 'ferretdb' | 'opensearch' | 'prometheus';

export interface IsolatedOptions {
  /** Port for the service (default: a free port). */
  port?: number;
  /** Kafka: controller port; OpenSearch: transport port (default: a free port). */
  controllerPort?: number;
  /** Do not start yet: call start() yourself. */
  deferStart?: boolean;
}

export interface IsolatedInstance {
  service: Service;
  port: number;
  /**
   * redis://…, mysql://user:pass@…/ (no database), mongodb://…/, host:port for Kafka, or
   * http://… for OpenSearch and Prometheus.
   */
  url: string;
  /** Kafka: ['127.0.0.1:port'] (kafkajs `brokers`); others: ['127.0.0.1:port']. */
  hosts: string[];
  stateDir: string;
  logFile: string;
  /** The environment infra.sh runs with for this instance (ports, SV_STATE_DIR). */
  env: Record<string, string>;
  /** infra.sh up <service>: resolves when the service answers its readiness probe. */
  start(): Promise<void>;
  /** infra.sh down <service>: SIGTERM, SIGKILL after SV_STOP_TIMEOUT. */
  stop(): Promise<void>;
  /** SIGKILL the server process at once (a crash rather than a shutdown). */
  kill(): Promise<void>;
  /** stop() and delete the state dir. */
  destroy(): Promise<void>;
}

const INFRA_SH = path.join(import.meta.dirname, 'infra.sh');
const live = new Set<IsolatedInstance>();
let exitHookInstalled = false;

/** A currently free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** The first of `n` consecutive TCP ports on 127.0.0.1 that are all free right now. */
export async function freeConsecutivePorts(n: number, avoid: readonly number[] = []): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  for (;;) {
    const base = await freePort();
    if (base + n > 65_535 || avoid.some((p) => p >= base && p < base + n)) continue;
    let ok = true;
    for (let i = 1; i < n && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
}

/** Alive = exists and is not a zombie (PID 1 may reap killed servers only after a while). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function runInfra(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [INFRA_SH, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`infra.sh ${args.join(' ')} failed (exit ${error.code}):\n${stderr || stdout}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const inst of live) {
      try {
        execFileSync('bash', [INFRA_SH, 'down', inst.service], {
          env: { ...process.env, ...inst.env },
          stdio: 'ignore',
        });
        rmSync(inst.stateDir, { recursive: true, force: true });
      } catch {
        // best effort at exit
      }
    }
  });
}

export async function startIsolated(service: Service, opts: IsolatedOptions = {}): Promise<IsolatedInstance> {
  const port = opts.port ?? (await freePort());
  // Short prefix: MariaDB's unix socket path must stay under 108 bytes.
  const stateDir = await mkdtemp(path.join(tmpdir(), `sv-${service}-`));
  // mariadbd runs as user mysql and must be able to traverse the state dir.
  await chmod(stateDir, 0o755);

  const env: Record<string, string> = { SV_STATE_DIR: stateDir };
  const hostPort = `127.0.0.1:${port}`;
  let url: string;
  switch (service) {
    case 'mariadb': {
      env.MYSQL_PORT = String(port);
      // The Spider front's shards listen on MYSQL_SHARD_PORT+i (docs/decisions/0021).
      env.MYSQL_SHARDS = '2';
      env.MYSQL_SHARD_PORT = String(await freeConsecutivePorts(2, [port]));
      const user = encodeURIComponent(process.env.MYSQL_USER ?? 'sportvenue');
      const password = encodeURIComponent(process.env.MYSQL_PASSWORD ?? 'sportvenue');
      url = `mysql://${user}:${password}@${hostPort}/`;
      break;
    }
    case 'redis':
      env.REDIS_PORT = String(port);
      url = `redis://${hostPort}`;
      break;
    case 'kafka':
      env.KAFKA_PORT = String(port);
      env.KAFKA_CONTROLLER_PORT = String(opts.controllerPort ?? (await freePort()));
      url = hostPort;
      break;
    case 'ferretdb':
      env.MONGO_PORT = String(port);
      url = `mongodb://${hostPort}/`;
      break;
    case 'opensearch':
      env.OPENSEARCH_PORT = String(port);
      env.OPENSEARCH_TRANSPORT_PORT = String(opts.controllerPort ?? (await freePort()));
      url = `http://${hostPort}`;
      break;
    case 'prometheus':
      env.PROMETHEUS_PORT = String(port);
      url = `http://${hostPort}`;
      break;
  }

  const inst: IsolatedInstance = {
    service,
    port,
    url,
    hosts: [hostPort],
    stateDir,
    logFile: path.join(stateDir, 'logs', `${service}.log`),
    env,
    async start() {
      live.add(inst);
      installExitHook();
      await runInfra(['up', service], env);
    },
    async stop() {
      await runInfra(['down', service], env);
    },
    async kill() {
      const pid = Number((await readFile(path.join(stateDir, 'run', `${service}.pid`), 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${service}: no pid file in ${stateDir}`);
      process.kill(pid, 'SIGKILL');
      // Wait until the process is gone so the caller sees the outage right away.
      for (let i = 0; i < 200 && (await isAlive(pid)); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      await runInfra(['down', service], env); // removes the stale pid file
    },
    async destroy() {
      try {
        await runInfra(['down', service], env);
      } finally {
        live.delete(inst);
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };

  if (!opts.deferStart) {
    try {
      await inst.start();
    } catch (error) {
      live.delete(inst);
      throw error;
    }
  }
  return inst;
}
