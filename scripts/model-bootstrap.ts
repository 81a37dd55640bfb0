// Forecasts from the first `npm start`: when MODEL_ARTIFACT_DIR holds no artifact, train one from
// the data shipped in the repository, in a background child process at low priority — from the
// venue database when the seed has put that history there (keyed by venue id, as the graph asks),
// else from the shipped file itself. The graph
// serves meanwhile — the model server answers with its baseline, marked BASELINE in the API — and
// hot-reloads the artifact when it appears. Afterwards the model is retrained from the venues' own
// headcount history every MODEL_RETRAIN_INTERVAL_H hours (0 = never).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SHIPPED_DATA = 'data/occupancy/fitnesspark-ch.csv.gz';
const HOUR_MS = 3_600_000;

export interface ModelBootstrapOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Data of the first training (default: the venue database, else the shipped file). */
  data?: string;
  /** Extra arguments for scripts/train.ts (tests pass a small --epochs). */
  trainArgs?: string[];
}

/** Whether `dir` holds at least one complete artifact version (`<version>/manifest.json`). */
export async function hasArtifact(dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return false;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      if ((await stat(join(dir, name, 'manifest.json'))).isFile()) return true;
    } catch {
      // not an artifact
    }
  }
  return false;
}

export function artifactDir(root: string, env: NodeJS.ProcessEnv): string {
  const dir = env.MODEL_ARTIFACT_DIR || '.state/models';
  return dir.startsWith('/') ? dir : join(root, dir);
}

/**
 * Starts the first training (if no artifact exists) and the retraining schedule. Returns a stop
 * function that ends a running training child.
 */
export async function startModelBootstrap(
  options: ModelBootstrapOptions,
): Promise<{ stop: () => void; idle: () => Promise<void> }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const env: NodeJS.ProcessEnv & { MODEL_ARTIFACT_DIR: string } = {
    ...options.env,
    MODEL_ARTIFACT_DIR: artifactDir(options.root, options.env),
  };
  let child: ChildProcess | null = null;
  let stopped = false;

  const train = (args: string[], what: string) =>
    new Promise<boolean>((resolve) => {
      if (stopped || child) return resolve(false);
      // nice: training is batch work; the graph's requests come first on a small machine.
      child = spawn('nice', ['-n', '10', process.execPath, 'scripts/train.ts', ...args], {
        cwd: options.root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let tail = '';
      const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2_000));
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('error', (err) => log(`[model] ${what} could not start: ${err.message}`));
      child.on('exit', (code, signal) => {
        child = null;
        if (code === 0) log(`[model] ${what} done: ${tail.trim().split('\n').pop() ?? ''}`);
        else if (!stopped)
          log(
            `[model] ${what} failed (${signal ?? code}); the last artifact (or the baseline) keeps serving\n${tail}`,
          );
        resolve(code === 0);
      });
    });

  if (!(await hasArtifact(env.MODEL_ARTIFACT_DIR))) {
    log(
      `[model] no model artifact in ${env.MODEL_ARTIFACT_DIR}: training one from ${options.data ?? `the venues' history (or ${SHIPPED_DATA})`} in the background ` +
        '(a few minutes); forecasts come from the baseline, marked basis BASELINE, until it is loaded',
    );
    const data = options.data ? ['--data', options.data] : ['--fallback-data', SHIPPED_DATA];
    void train([...data, ...(options.trainArgs ?? [])], 'first training');
  }

  const hours = Number(env.MODEL_RETRAIN_INTERVAL_H ?? '24');
  let timer: ReturnType<typeof setInterval> | undefined;
  if (Number.isFinite(hours) && hours > 0) {
    timer = setInterval(
      () => void train(options.trainArgs ?? [], 'scheduled retraining from the venues’ history'),
      hours * HOUR_MS,
    );
    timer.unref();
  }
  return {
    /** Settles when the training running now (if any) has ended. */
    idle: () =>
      new Promise<void>((resolve) => {
        const running = child as ChildProcess | null;
        if (!running) return resolve();
        running.once('exit', () => resolve());
      }),
    stop: () => {
      stopped = true;
      clearInterval(timer);
      (child as ChildProcess | null)?.kill('SIGTERM');
    },
  };
}
