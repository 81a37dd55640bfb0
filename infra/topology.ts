// Two (or more) replicas of the router and of every subgraph behind HAProxy, as child processes on
// one machine (docs/decisions/0012). Used by `npm run start:cluster`, the clustered end-to-end test
// and `npm run bench -- scale`. The routers reach the subgraphs through the balancer too, so a dead
// replica of anything is routed around once its health check fails (/ready, every 2 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { startBalancer, waitFor, type Balancer } from './balancer.ts';
import { freePort } from './instance.ts';
import { nodeArgsFor } from '../router/src/node-args.ts';

export { ensureHaproxy } from './balancer.ts';

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
  /** The balancer's process id. */
  balancerPid: number | undefined;
  /** SIGKILL, no goodbye: what a crash looks like to everyone else. */
  kill(part: Part, index: number): Promise<void>;
  /** Resolves once the balancer routes to `count` healthy replicas of the part. */
  healthy(part: Part, count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const ready = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok;

export async function startTopology(o: TopologyOptions): Promise<Topology> {
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

  let balancer: Balancer | null = null;
  const stop = async () => {
    await balancer?.stop();
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

    const lb = await startBalancer({
      root: o.root,
      stateDir: o.stateDir,
      statsPort: frontends.stats,
      backends: Object.fromEntries(
        PARTS.map((part) => [
          part,
          { frontend: frontends[part], servers: replicas.filter((r) => r.part === part).map((r) => r.port) },
        ]),
      ),
      echo: o.echo,
    });
    balancer = lb;
    await Promise.all(routers.map((r) => waitFor(ready(r.port), `router-${r.index}`, 120_000)));
    const healthy = (part: Part, n: number, timeoutMs = 60_000) => lb.healthy(part, n, timeoutMs);
    for (const part of PARTS) await healthy(part, count, 120_000);

    return {
      routerUrl: `http://127.0.0.1:${frontends.router}`,
      frontends,
      replicas,
      balancerPid: lb.pid,
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
