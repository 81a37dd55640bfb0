// Derives `user:{u:<id>}:stats` from `checkin.events` (docs/decisions/0012): the user subgraph owns
// its users' stats, the venue subgraph only publishes what happened. At-least-once delivery, each
// event id applied once (stats.ts). Its own consumer group, so it scales and lags independently of
// the points ledger; the topic is keyed by user, so one user's events stay in order in a partition.
import {
  checkinEventV1,
  createConsumerLoop,
  decodeEvent,
  type Logger,
  type RedisClient,
} from '@sport-venue/shared';
import type { Kafka } from 'kafkajs';
import { createStatsWriter } from './stats.ts';

export interface StatsConsumerOptions {
  kafka: Kafka;
  redis: RedisClient;
  topic: string;
  groupId: string;
  logger: Logger;
  sessionTimeoutMs?: number;
}

export function createStatsConsumer(opts: StatsConsumerOptions) {
  const apply = createStatsWriter(opts.redis);
  const stats = { applied: 0, duplicates: 0, invalid: 0 };
  const loop = createConsumerLoop({
    kafka: opts.kafka,
    name: 'stats consumer',
    groupId: opts.groupId,
    topics: [opts.topic],
    logger: opts.logger,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    maxWaitTimeInMs: 1_000,
    run: {
      // Offsets are committed only for messages whose eachMessage returned: a crash before
      // that redelivers them, and the applied-ids set turns the repeat into a no-op.
      eachMessage: async ({ message, partition }) => {
        const parsed = decodeEvent(checkinEventV1, message.value);
        if (!parsed.success) {
          stats.invalid++;
          opts.logger.warn({ partition, offset: message.offset }, 'skipping invalid check-in event');
          return;
        }
        if (await apply(parsed.data)) stats.applied++;
        else stats.duplicates++;
      },
    },
  });

  return { stats, start: loop.start, startInBackground: loop.startInBackground, stop: loop.stop };
}

export type StatsConsumer = ReturnType<typeof createStatsConsumer>;
