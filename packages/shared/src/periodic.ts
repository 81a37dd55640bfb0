import { newLogContext, withLogContext } from './log-context.ts';
import type { Logger } from './logger.ts';

export interface PeriodicJob {
  /** Runs the job now (tests call this instead of waiting for the timer). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `fn` every `intervalMs`, never overlapping itself; a failure is logged and the next tick
 * tries again. The first run comes after one interval, plus jitter so instances spread out.
 */
export function every(
  name: string,
  intervalMs: number,
  fn: () => Promise<unknown>,
  logger: Logger,
): PeriodicJob {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const run = () => {
    // Each run is a unit of work with its own trace id in every line it logs.
    running = running.then(() =>
      withLogContext(newLogContext(), async () => {
        try {
          await fn();
        } catch (err) {
          logger.warn({ err, job: name }, 'periodic job failed');
        }
      }),
    );
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => void run().then(schedule),
      intervalMs + Math.floor(Math.random() * intervalMs * 0.1),
    );
    timer.unref();
  };
  schedule();

  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
