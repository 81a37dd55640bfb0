// Derives `user:{u:<id>}:stats` from `checkin.events` (docs/decisions/0012): the user subgraph owns
// its users' stats, the venue subgraph only publishes what happened. At-least-once delivery, each
// event id applied once (stats.ts). Its own consumer group, so it scales and lags independently of
// the points ledger; the topic is keyed by user, so one user's events stay in order in a partition.
import { checkinEventV1, ensureTopics, type Logger, type RedisClient } from '@sport-venue/shared';
import type { Consumer, Kafka } from 'kafkajs';
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
  let consumer: Consumer | null = null;
  let stopped = false;

  return {
    stats,
    async start() {
      if (stopped) return;
      const sessionTimeout = opts.sessionTimeoutMs ?? 30_000;
      const c = opts.kafka.consumer({
        groupId: opts.groupId,
        sessionTimeout,
        heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
        maxWaitTimeInMs: 1_000,
      });
      consumer = c;
      // stop() may run while this is still connecting: it cannot abort kafkajs' connect, so each
      // step checks and leaves instead of joining the group after all (an open consumer keeps the
      // process alive).
      const abandoned = async () => {
        if (!stopped) return false;
        await c.disconnect().catch(() => {});
        return true;
      };
      try {
        await ensureTopics(opts.kafka, [opts.topic]);
        if (await abandoned()) return;
        await c.connect();
        if (await abandoned()) return;
        await c.subscribe({ topics: [opts.topic], fromBeginning: true });
        await c.run({
          // Offsets are committed only for messages whose eachMessage returned: a crash before
          // that redelivers them, and the applied-ids set turns the repeat into a no-op.
          eachMessage: async ({ message, partition }) => {
            let json: unknown;
            try {
              json = JSON.parse(message.value?.toString('utf8') ?? '');
            } catch {
              json = null;
            }
            const parsed = checkinEventV1.safeParse(json);
            if (!parsed.success) {
              stats.invalid++;
              opts.logger.warn({ partition, offset: message.offset }, 'skipping invalid check-in event');
              return;
            }
            if (await apply(parsed.data)) stats.applied++;
            else stats.duplicates++;
          },
        });
      } catch (err) {
        await c.disconnect().catch(() => {});
        if (consumer === c) consumer = null;
        if (stopped) return;
        throw err;
      }
      if (await abandoned()) return;
      opts.logger.info({ groupId: opts.groupId, topic: opts.topic }, 'stats consumer running');
    },
    async stop() {
      stopped = true;
      const c = consumer;
      consumer = null;
      await c?.disconnect();
    },
  };
}

export type StatsConsumer = ReturnType<typeof createStatsConsumer>;
