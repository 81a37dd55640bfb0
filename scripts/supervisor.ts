// Keeps the child processes of `npm start` running: a child that exits on its own is started
// again after a backoff that doubles with each crash in a row (so a service that cannot start,
// e.g. while its database is down, does not spin), and resets once the child has stayed up for a
// stable period. Only stop() (Ctrl-C / SIGTERM) ends them for good.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  /** Wait before the first restart; doubles with each further crash in a row. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that stayed up this long before exiting starts again from the initial backoff. */
  stableMs?: number;
  /** Grace between SIGTERM and SIGKILL when stopping. */
  killAfterMs?: number;
  /** Children in their own process group (what `npm start` wants; see #spawn). */
  detached?: boolean;
  /** One human line per lifecycle event ("venue exited (code 1), restarting in 2s"). */
  log?: (line: string) => void;
  /** Where a child's stdout/stderr go; by default each line is prefixed with `[name] `. */
  output?: (spec: ChildSpec, child: ChildProcess) => void;
}

interface Supervised {
  spec: ChildSpec;
  child: ChildProcess | null;
  startedAt: number;
  crashes: number;
  restartTimer: NodeJS.Timeout | null;
  starts: number;
}

const describeExit = (code: number | null, signal: NodeJS.Signals | null) =>
  signal ? `signal ${signal}` : `code ${code}`;

const duration = (ms: number) => (ms < 1_000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`);

/** `[name] ` before every line the child prints, so interleaved output stays attributable. */
export function prefixOutput(spec: ChildSpec, child: ChildProcess) {
  const prefix = `[${spec.name}] `;
  const pipe = (from: NodeJS.ReadableStream | null, to: NodeJS.WriteStream) => {
    let partial = '';
    from?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      if (lines.length > 0) to.write(lines.map((l) => prefix + l).join('\n') + '\n');
    });
    from?.on('end', () => {
      if (partial) to.write(prefix + partial + '\n');
      partial = '';
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
}

export class Supervisor {
  readonly #children = new Map<string, Supervised>();
  readonly #initial: number;
  readonly #max: number;
  readonly #stable: number;
  readonly #killAfter: number;
  readonly #log: (line: string) => void;
  readonly #output: (spec: ChildSpec, child: ChildProcess) => void;
  readonly #detached: boolean;
  #stopping: Promise<void> | null = null;

  constructor(options: SupervisorOptions = {}) {
    this.#initial = options.initialBackoffMs ?? 1_000;
    this.#max = options.maxBackoffMs ?? 30_000;
    this.#stable = options.stableMs ?? 30_000;
    this.#killAfter = options.killAfterMs ?? 5_000;
    this.#log = options.log ?? ((line) => console.log(line));
    this.#output = options.output ?? prefixOutput;
    this.#detached = options.detached ?? false;
  }

  start(spec: ChildSpec): void {
    if (this.#stopping) throw new Error('the supervisor is stopping');
    if (this.#children.has(spec.name)) throw new Error(`${spec.name} is already supervised`);
    const entry: Supervised = { spec, child: null, startedAt: 0, crashes: 0, restartTimer: null, starts: 0 };
    this.#children.set(spec.name, entry);
    this.#spawn(entry);
  }

  /** The running process of `name` (a new one after each restart), or null between restarts. */
  child(name: string): ChildProcess | null {
    return this.#children.get(name)?.child ?? null;
  }

  /** How many times `name` has been started (1 until its first restart). */
  starts(name: string): number {
    return this.#children.get(name)?.starts ?? 0;
  }

  /** The wait before the restart that follows `crashes` crashes in a row. */
  backoff(crashes: number): number {
    return Math.min(this.#max, this.#initial * 2 ** Math.max(0, crashes - 1));
  }

  #spawn(entry: Supervised) {
    const { spec } = entry;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches the supervisor only, which then stops the
      // children in order, rather than racing their deaths against its own shutdown.
      detached: this.#detached,
    });
    entry.child = child;
    entry.startedAt = Date.now();
    entry.starts += 1;
    this.#output(spec, child);
    child.on('error', (err) => this.#log(`${spec.name} could not be started: ${err.message}`));
    child.on('exit', (code, signal) => {
      if (entry.child === child) entry.child = null;
      if (this.#stopping) return;
      if (Date.now() - entry.startedAt >= this.#stable) entry.crashes = 0;
      entry.crashes += 1;
      const wait = this.backoff(entry.crashes);
      this.#log(`${spec.name} exited (${describeExit(code, signal)}), restarting in ${duration(wait)}`);
      entry.restartTimer = setTimeout(() => {
        entry.restartTimer = null;
        if (!this.#stopping) this.#spawn(entry);
      }, wait);
    });
  }

  /** Last resort when the supervisor itself exits abruptly: SIGTERM to every child, synchronously. */
  killAll(): void {
    for (const entry of this.#children.values()) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      entry.child?.kill('SIGTERM');
    }
  }

  /** Stops every child (SIGTERM, then SIGKILL after the grace) and cancels pending restarts. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const running: ChildProcess[] = [];
      for (const entry of this.#children.values()) {
        if (entry.restartTimer) clearTimeout(entry.restartTimer);
        if (entry.child && entry.child.exitCode === null && entry.child.signalCode === null)
          running.push(entry.child);
      }
      await Promise.all(
        running.map(
          (child) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => child.kill('SIGKILL'), this.#killAfter);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    })();
    return this.#stopping;
  }
}
