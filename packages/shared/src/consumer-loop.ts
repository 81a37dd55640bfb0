// One Kafka consumer group member, started and stopped the same way by every process that
// consumes (points ledger, user stats, PK progress, search indexer).
//
// kafkajs cannot abort a connect or a join in progress, its disconnect waits for the requests in
// flight, and a consumer that crashes restarts itself on a timer. So a stop() that races a start
// could leave a consumer joined after stop() returned, or a disconnect waiting on a silent broker
// with no timer left to time it out: either keeps the process alive with open sockets (seen as a
// test file that never exited). Here each start step checks for a stop and leaves, a crash never
// restarts a stopped consumer, and stop() bounds the graceful part (leaving the group) and then
// closes every socket the consumer's own client opened (docs/decisions/0025).
import type { Consumer, ConsumerConfig, ConsumerRunConfig, Kafka } from 'kafkajs';
import { ensureTopics, kafkaWithOwnSockets } from './clients.ts';
import { newLogContext, withLogContext } from './log-context.ts';
import type { Logger } from './logger.ts';

export interface ConsumerLoopOptions {
  /** A client from createKafka: the loop makes its own with the same settings. */
  kafka: Kafka;
  /** For log lines: "points consumer", "search indexer", … */
  name: string;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
  sessionTimeoutMs?: number;
  maxWaitTimeInMs: number;
  /** Create missing topics before subscribing (default true; false when the caller did). */
  ensureTopics?: boolean;
  /** Further consumer settings (e.g. allowAutoTopicCreation). */
  consumerConfig?: Partial<ConsumerConfig>;
  run: ConsumerRunConfig;
  /** Sees each kafkajs consumer before it connects (to listen to its events). */
  onConsumer?: (consumer: Consumer) => void;
  /** How long stop() lets the consumer leave its group before closing its sockets (default 5 s). */
  stopGraceMs?: number;
}

export interface ConsumerLoop {
  /** One attempt: topics, connect, join, consume. Throws if Kafka cannot be reached; no-op once stopped. */
  start(): Promise<void>;
  /** Keeps attempting start() with a backoff (1 s doubling to 30 s) until it succeeds or stop(). */
  startInBackground(): void;
  /** Leaves the group (committed offsets stay) and releases every connection; also interrupts a start. */
  stop(): Promise<void>;
}

const MAX_CONNECT_RETRIES = 3;

/**
 * Each batch (or message) is a unit of work with a trace id of its own in its log lines; a
 * handler still switches to the trace of a message that carries one (messageLogContext).
 */
function tracedRun(run: ConsumerRunConfig): ConsumerRunConfig {
  const { eachBatch, eachMessage } = run;
  return {
    ...run,
    ...(eachBatch
      ? { eachBatch: (payload) => withLogContext(newLogContext(), () => eachBatch(payload)) }
      : {}),
    ...(eachMessage
      ? { eachMessage: (payload) => withLogContext(newLogContext(), () => eachMessage(payload)) }
      : {}),
  };
}

export function createConsumerLoop(opts: ConsumerLoopOptions): ConsumerLoop {
  // Few retries per attempt: the retry chain of a connect cannot be cut short, and the caller (or
  // startInBackground) retries with its own backoff anyway.
  const own = kafkaWithOwnSockets(opts.kafka, { maxRetries: MAX_CONNECT_RETRIES });
  const sessionTimeout = opts.sessionTimeoutMs ?? 30_000;
  let consumer: Consumer | null = null;
  /** The consumer whose start completed (it is in its group, consuming). */
  let joined: Consumer | null = null;
  let stopped = false;
  let attempts: Array<Promise<unknown>> = [];
  let retryTimer: NodeJS.Timeout | undefined;

  async function attempt(c: Consumer) {
    // stop() may run between any two steps: leave instead of joining the group after all.
    const abandoned = async () => {
      if (!stopped) return false;
      await c.disconnect().catch(() => {});
      return true;
    };
    try {
      if (opts.ensureTopics !== false) {
        await ensureTopics(own.kafka, opts.topics);
        if (await abandoned()) return;
      }
      await c.connect();
      if (await abandoned()) return;
      await c.subscribe({ topics: [...opts.topics], fromBeginning: true });
      await c.run(tracedRun(opts.run));
    } catch (err) {
      await c.disconnect().catch(() => {});
      if (consumer === c) consumer = null;
      if (stopped) return; // stop() interrupted the start: not a failure
      throw err;
    }
    if (await abandoned()) return;
    joined = c;
    opts.logger.info({ groupId: opts.groupId, topics: opts.topics }, `${opts.name} running`);
  }

  const loop: ConsumerLoop = {
    async start() {
      if (stopped) return;
      const c = own.kafka.consumer({
        groupId: opts.groupId,
        sessionTimeout,
        heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
        maxWaitTimeInMs: opts.maxWaitTimeInMs,
        ...opts.consumerConfig,
        // kafkajs restarts a crashed consumer on a timer: never once it was stopped.
        retry: { retries: 5, ...opts.consumerConfig?.retry, restartOnFailure: async () => !stopped },
      });
      consumer = c;
      opts.onConsumer?.(c);
      const running = attempt(c);
      attempts.push(running.catch(() => {}));
      return running;
    },
    startInBackground() {
      const next = (delayMs: number) => {
        loop.start().catch((err: unknown) => {
          if (stopped) return;
          opts.logger.error({ err }, `${opts.name} failed to start; retrying`);
          retryTimer = setTimeout(() => next(Math.min(delayMs * 2, 30_000)), delayMs);
        });
      };
      next(1_000);
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const c = consumer;
      consumer = null;
      // A consumer in its group leaves it (its partitions move at once, not after the session
      // timeout); one still starting has nothing to leave, and a disconnect in the middle of a
      // connect or join waits for replies that may never come: its sockets are closed right away.
      if (c && c === joined) {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.stopGraceMs ?? 5_000)));
        await Promise.race([c.disconnect().catch(() => {}), late]);
        clearTimeout(timer);
      }
      // Whatever is still open (a connect or a disconnect waiting on a silent broker) ends now,
      // and a start still retrying fails at once: the attempts settle within their short retries.
      own.closeSockets();
      const pending = attempts;
      attempts = [];
      await Promise.all(pending);
    },
  };
  return loop;
}
