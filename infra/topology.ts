// Two (or more) replicas of the router and of every subgraph behind HAProxy, as child processes on
// one machine (docs/decisions/0012). Used by `npm run start:cluster`, the clustered end-to-end test
// and `npm run bench -- scale`. The routers reach the subgraphs through the balancer too, so a dead
// replica of anything is routed around once its health check fails (/ready, every 2 s).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { freePort } from './instance.ts';
import { nodeArgsFor } from '../router/src/node-args.ts';

export const PARTS = ['user', 'venue', 'social', 'prediction', 'router'] as const;
export type Part = (typeof PARTS)[number];
const SUBGRAPHS = ['user', 'venue', 'social', 'prediction'] as const;

const ENTRY: Record<Part, string> = {
  user: 'subgraphs/user/src/index.ts',
  venue: 'subgraphs/venue/src/index.ts',
  social: 'subgraphs/social/src/index.ts',
  prediction: 'subgraphs/prediction/src/index.ts',
  router: 'router/src/index.ts',
};
const PORT_SETTING: Record<Part, string> = {
  user: 'USER_PORT',
  venue: 'VENUE_PORT',
  social: 'SOCIAL_PORT',
  prediction: 'PREDICTION_PORT',
  router: 'ROUTER_PORT',
};

export interface TopologyOptions {
  root: string;
  /** Environment of every replica: stores (REDIS_URL may be a cluster), topics, prefixes, secrets. */
  env: NodeJS.ProcessEnv;
  /** Settings for one part only (e.g. a database URL). */
  partEnv?: Partial<Record<Part, NodeJS.ProcessEnv>>;
  replicas?: number;
  /** Where clients connect (the balanced router); 0: any free port. */
  routerPort?: number;
  /** Ports of the balancer's subgraph frontends and its stats page, in that order; default: free ports. */
  balancerPorts?: number[];
  /** Process logs and the HAProxy configuration go here. */
  stateDir: string;
  /** Where process output goes besides the log files (npm run start:cluster prints it). */
  echo?: (line: string) => void;
}

export interface Replica {
  part: Part;
  index: number;
  port: number;
  process: ChildProcess;
}

export interface Topology {
  routerUrl: string;
  /** The balancer's frontend of each part (the routers use the subgraph ones). */
  frontends: Record<Part, number> & { stats: number };
  replicas: Replica[];
  /** SIGKILL, no goodbye: what a crash looks like to everyone else. */
  kill(part: Part, index: number): Promise<void>;
  /** Resolves once the balancer routes to `count` healthy replicas of the part. */
  healthy(part: Part, count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Installs HAProxy from Debian if missing (idempotent; never starts the system service). */
export function ensureHaproxy(root: string): void {
  execFileSync('bash', ['infra/ensure-haproxy.sh'], { cwd: root, stdio: 'inherit' });
}

function haproxyConfig(frontends: Record<Part, number> & { stats: number }, replicas: Replica[]): string {
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
    `  bind 127.0.0.1:${frontends.stats}`,
    '  stats enable',
    '  stats uri /',
  ];
  for (const part of PARTS) {
    lines.push(`frontend ${part}_in`, `  bind 127.0.0.1:${frontends[part]}`, `  default_backend ${part}`);
    lines.push(
      `backend ${part}`,
      '  balance roundrobin',
      '  option httpchk GET /ready',
      '  http-check expect status 200',
    );
    for (const r of replicas.filter((x) => x.part === part))
      lines.push(`  server ${part}${r.index} 127.0.0.1:${r.port} check inter 2s fall 3 rise 1`);
  }
  return `${lines.join('\n')}\n`;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ready = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok;

export async function startTopology(o: TopologyOptions): Promise<Topology> {
  ensureHaproxy(o.root);
  const count = o.replicas ?? 2;
  const logDir = `${o.stateDir}/logs/topology`;
  mkdirSync(logDir, { recursive: true });
  const [user, venue, social, prediction, stats] = o.balancerPorts ?? [];
  const frontends = {
    router: o.routerPort || (await freePort()),
    user: user ?? (await freePort()),
    venue: venue ?? (await freePort()),
    social: social ?? (await freePort()),
    prediction: prediction ?? (await freePort()),
    stats: stats ?? (await freePort()),
  };
  const replicas: Replica[] = [];
  const children: ChildProcess[] = [];
  const expectedExit = new Set<ChildProcess>();

  const spawnLogged = (name: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
    const child = spawn(command, args, { cwd: o.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = createWriteStream(`${logDir}/${name}.log`, { flags: 'a' });
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => {
        file.write(chunk);
        o.echo?.(`[${name}] ${chunk.toString()}`);
      });
    child.on('exit', () => file.end());
    children.push(child);
    return child;
  };

  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            expectedExit.add(c);
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  };

  try {
    const start = async (part: Part, index: number) => {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...o.env,
        ...o.partEnv?.[part],
        [PORT_SETTING[part]]: String(port),
      };
      if (part === 'router') {
        for (const sub of SUBGRAPHS)
          env[`${sub.toUpperCase()}_SUBGRAPH_URL`] = `http://127.0.0.1:${frontends[sub]}/graphql`;
        env.USER_JWKS_URL ??= `http://127.0.0.1:${frontends.user}/.well-known/jwks.json`;
      }
      const replica = {
        part,
        index,
        port,
        process: spawnLogged(
          `${part}-${index}`,
          process.execPath,
          [...nodeArgsFor(ENTRY[part]), ENTRY[part]],
          env,
        ),
      };
      replicas.push(replica);
      return replica;
    };

    // Subgraphs first (the routers' health depends on them), each replica checked directly.
    const subgraphs = await Promise.all(
      SUBGRAPHS.flatMap((part) => Array.from({ length: count }, (_, i) => start(part, i))),
    );
    await Promise.all(subgraphs.map((r) => waitFor(ready(r.port), `${r.part}-${r.index}`, 120_000)));
    const routers = await Promise.all(Array.from({ length: count }, (_, i) => start('router', i)));

    const config = `${o.stateDir}/haproxy.cfg`;
    writeFileSync(config, haproxyConfig(frontends, replicas));
    spawnLogged('haproxy', 'haproxy', ['-f', config, '-db'], o.env);
    await Promise.all(routers.map((r) => waitFor(ready(r.port), `router-${r.index}`, 120_000)));

    const healthy = async (part: Part, n: number, timeoutMs = 60_000) => {
      await waitFor(
        async () => {
          const csv = await (await fetch(`http://127.0.0.1:${frontends.stats}/;csv`)).text();
          const up = csv.split('\n').filter((l) => l.startsWith(`${part},${part}`) && l.includes(',UP,'));
          return up.length >= n;
        },
        `${n} healthy ${part} replicas behind the balancer`,
        timeoutMs,
      );
    };
    for (const part of PARTS) await healthy(part, count, 120_000);

    return {
      routerUrl: `http://127.0.0.1:${frontends.router}`,
      frontends,
      replicas,
      healthy,
      async kill(part, index) {
        const r = replicas.find((x) => x.part === part && x.index === index);
        if (!r || r.process.exitCode !== null || r.process.signalCode !== null) return;
        expectedExit.add(r.process);
        await new Promise<void>((resolve) => {
          r.process.once('exit', () => resolve());
          r.process.kill('SIGKILL');
        });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
