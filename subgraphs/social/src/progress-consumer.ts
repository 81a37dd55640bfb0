// Turns `checkin.events` into PK progress. At-least-once delivery, exactly-once effect: a message's
// offset is committed only after its progress is written, and the progress documents remember the
// event ids they applied, so a redelivered event changes nothing.
import {
  checkinEventV1,
  decodeEvent,
  Counter,
  createConsumerLoop,
  maybeWithLogContext,
  messageLogContext,
  type Logger,
  type Registry,
} from '@sport-venue/shared';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { ChallengeService } from './challenges.ts';

export interface ProgressConsumerOptions {
  kafka: Kafka;
  service: Pick<ChallengeService, 'applyCheckinEvent'>;
  topic: string;
  groupId: string;
  logger: Logger;
  sessionTimeoutMs?: number;
  /** Where `pk_progress_events_total` is registered (the process's /metrics). */
  metrics?: Registry;
}

export function createProgressConsumer(opts: ProgressConsumerOptions) {
  const stats = { messages: 0, applied: 0, invalid: 0 };
  const events = new Counter({
    name: 'pk_progress_events_total',
    help: 'Check-in events read for PK progress, by outcome (applied, ignored, invalid)',
    labelNames: ['outcome'],
    registers: opts.metrics ? [opts.metrics] : [],
  });

  async function eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      // Its log lines join the trace of the check-in that caused the event (traceparent header).
      await maybeWithLogContext(messageLogContext(message.headers), async () => {
        const parsed = decodeEvent(checkinEventV1, message.value);
        if (!parsed.success) {
          stats.invalid++;
          events.inc({ outcome: 'invalid' });
          // A malformed record can never succeed; skipping it keeps the partition moving.
          opts.logger.warn({ topic: batch.topic, offset: message.offset }, 'skipping invalid check-in event');
        } else {
          const applied = await opts.service.applyCheckinEvent(parsed.data);
          stats.applied += applied;
          events.inc({ outcome: applied > 0 ? 'applied' : 'ignored' });
          opts.logger.debug({ topic: batch.topic, offset: message.offset }, 'check-in event applied');
        }
      });
      stats.messages++;
      resolveOffset(message.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  const loop = createConsumerLoop({
    kafka: opts.kafka,
    name: 'PK progress consumer',
    groupId: opts.groupId,
    topics: [opts.topic],
    logger: opts.logger,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    maxWaitTimeInMs: 500,
    // The caller creates the topics (the settlement producer needs them too).
    ensureTopics: false,
    run: { eachBatchAutoResolve: false, autoCommit: true, eachBatch },
  });

  return {
    stats,
    /** Subscribes and starts consuming; the topic must exist (the caller ensures it). */
    start: loop.start,
    stop: loop.stop,
  };
}
