import type { Logger } from './logger.ts';

type Closer = () => Promise<unknown> | unknown;

/**
 * Runs registered closers in reverse order on SIGINT/SIGTERM (last opened, first closed: the HTTP
 * server stops taking requests before its stores go away). A second signal exits at once.
 */
export function gracefulShutdown(logger: Logger, timeoutMs = 10_000) {
  const closers: Array<{ name: string; close: Closer }> = [];
  let stopping: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error('shutdown timed out; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      for (const { name, close } of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          logger.warn({ err, name }, 'error while closing');
        }
      }
      clearTimeout(timer);
    })();
    return stopping;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    void shutdown(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return {
    register(name: string, close: Closer) {
      closers.push({ name, close });
    },
    shutdown,
  };
}
