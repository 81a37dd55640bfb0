// HAProxy (Debian package) in front of replicas: one frontend per backend, round-robin over the
// replicas that answer /ready. Used by the clustered topology (topology.ts: child processes) and by
// the clustered test graph (test/support/graph.ts: replicas in the test process).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { freePort } from './instance.ts';

/** Installs HAProxy from Debian if missing (idempotent; never starts the system service). */
export function ensureHaproxy(root: string): void {
  execFileSync('bash', ['infra/ensure-haproxy.sh'], { cwd: root, stdio: 'inherit' });
}

export interface BalancerOptions {
  root: string;
  /**
   * Name → replicas' ports, the frontend's port (default: a free one) and the health check's path
   * (default `/ready`).
   */
  backends: Record<string, { servers: number[]; frontend?: number; check?: string }>;
  /** Port of the stats page (default: a free one). */
  statsPort?: number;
  /** The configuration and the log go here. */
  stateDir: string;
  echo?: (line: string) => void;
}

export interface Balancer {
  /** The HAProxy process (benchmarks read its CPU time). */
  pid: number | undefined;
  frontends: Record<string, number>;
  stats: number;
  /** Resolves once `count` replicas of the backend are up behind the balancer. */
  healthy(name: string, count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function haproxyConfig(
  stats: number,
  backends: Array<{ name: string; frontend: number; servers: number[]; check: string }>,
) {
  const lines = [
    'global',
    // File descriptors: about two per connection; stays under a default 20000 limit.
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    // A busy host answers /ready slowly: a 1 s check (the default) marked healthy replicas down.
    '  timeout check 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    // A WebSocket, once upgraded, is a tunnel: it may stay open for hours.
    '  timeout tunnel 4h',
    '  option http-server-close',
    // Only requests that never reached a replica are sent again (never a possibly applied one).
    '  retries 3',
    '  retry-on conn-failure',
    '  option redispatch 1',
    `listen stats`,
    `  bind 127.0.0.1:${stats}`,
    '  stats enable',
    '  stats uri /',
  ];
  for (const { name, frontend, servers, check } of backends) {
    lines.push(`frontend ${name}_in`, `  bind 127.0.0.1:${frontend}`, `  default_backend ${name}`);
    lines.push(
      `backend ${name}`,
      '  balance roundrobin',
      `  option httpchk GET ${check}`,
      '  http-check expect status 200',
    );
    servers.forEach((port, i) =>
      lines.push(`  server ${name}${i} 127.0.0.1:${port} check inter 2s fall 3 rise 1`),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startBalancer(o: BalancerOptions): Promise<Balancer> {
  ensureHaproxy(o.root);
  mkdirSync(`${o.stateDir}/logs`, { recursive: true });
  const backends = [];
  for (const [name, b] of Object.entries(o.backends))
    backends.push({
      name,
      servers: b.servers,
      frontend: b.frontend || (await freePort()),
      check: b.check ?? '/ready',
    });
  const stats = o.statsPort || (await freePort());
  const config = `${o.stateDir}/haproxy.cfg`;
  writeFileSync(config, haproxyConfig(stats, backends));
  const child: ChildProcess = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const file = createWriteStream(`${o.stateDir}/logs/haproxy.log`, { flags: 'a' });
  for (const stream of [child.stdout!, child.stderr!])
    stream.on('data', (chunk: Buffer) => {
      file.write(chunk);
      o.echo?.(`[haproxy] ${chunk.toString()}`);
    });
  child.on('exit', () => file.end());

  return {
    pid: child.pid,
    frontends: Object.fromEntries(backends.map((b) => [b.name, b.frontend])),
    stats,
    async healthy(name, count, timeoutMs = 60_000) {
      await waitFor(
        async () => {
          const csv = await (await fetch(`http://127.0.0.1:${stats}/;csv`)).text();
          const up = csv.split('\n').filter((l) => l.startsWith(`${name},${name}`) && l.includes(',UP,'));
          return up.length >= count;
        },
        `${count} healthy ${name} replicas behind the balancer`,
        timeoutMs,
      );
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
