// Relays the outbox to Kafka. Rows are read in `seq` order under row locks (READ COMMITTED: no
// gap locks, so check-ins keep inserting while a batch is in flight), sent with an idempotent
// producer, and marked published in the same transaction; a failed send rolls back and the batch
// is retried after a backoff. Delivery is at-least-once: consumers dedupe on the event id.
import type { Kafka, Producer } from 'kafkajs';
import { ensureTopics, newLogContext, withLogContext, type Logger } from '@sport-venue/shared';
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';

export interface OutboxRelayOptions {
  db: PrismaClient;
  kafka: Kafka;
  logger: Logger;
  /** Topics created (if missing) before the first send. */
  topics: string[];
  intervalMs: number;
  retentionHours: number;
  batchSize?: number;
}

interface OutboxRow {
  seq: bigint;
  id: string;
  topic: string;
  msgKey: string;
  payload: string;
  traceparent: string | null;
}

const MAX_BACKOFF_MS = 5_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export class OutboxRelay {
  readonly #o: Required<OutboxRelayOptions>;
  #producer: Producer | null = null;
  #running = false;
  #loop: Promise<void> | null = null;
  #wakeUp: (() => void) | null = null;
  #woken = false;
  #outage = false;
  #lastPrune = 0;

  constructor(options: OutboxRelayOptions) {
    this.#o = { batchSize: 500, ...options };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    await this.#dropProducer();
  }

  /** Something was just written to the outbox: relay now instead of at the next tick. */
  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /** Events not yet acknowledged by Kafka. */
  async pending(): Promise<number> {
    const [row] = await this.#o.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT COUNT(*) AS n FROM OutboxEvent WHERE publishedAt IS NULL`;
    return Number(row?.n ?? 0);
  }

  /** Sends one batch; returns how many events were published. Throws when Kafka or the DB fail. */
  async relayOnce(): Promise<number> {
    const producer = await this.#ensureProducer();
    return this.#o.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT seq, id, topic, msgKey, payload, traceparent FROM OutboxEvent
          WHERE publishedAt IS NULL ORDER BY seq LIMIT ${this.#o.batchSize} FOR UPDATE`;
        if (rows.length === 0) return 0;
        const byTopic = new Map<
          string,
          Array<{ key: string; value: string; headers: Record<string, string> }>
        >();
        for (const row of rows) {
          const messages = byTopic.get(row.topic) ?? [];
          const headers: Record<string, string> = { 'event-id': row.id };
          if (row.traceparent) headers.traceparent = row.traceparent;
          messages.push({ key: row.msgKey, value: row.payload, headers });
          byTopic.set(row.topic, messages);
        }
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        await tx.$executeRaw`
          UPDATE OutboxEvent SET publishedAt = NOW(3) WHERE seq IN (${Prisma.join(rows.map((r) => r.seq))})`;
        return rows.length;
      },
      { isolationLevel: 'ReadCommitted', timeout: 30_000, maxWait: 10_000 },
    );
  }

  /** Deletes published events past their retention. */
  async prune(): Promise<number> {
    return this.#o.db.$executeRaw`
      DELETE FROM OutboxEvent
      WHERE publishedAt IS NOT NULL AND publishedAt < NOW(3) - INTERVAL ${this.#o.retentionHours} HOUR
      LIMIT 10000`;
  }

  async #run(): Promise<void> {
    let backoff = 0;
    while (this.#running) {
      // Each relayed batch is a unit of work: its lines share a trace id of their own.
      const next = await withLogContext(newLogContext(), async () => {
        try {
          const published = await this.relayOnce();
          if (this.#outage) this.#o.logger.info('outbox relay: Kafka reachable again, resuming');
          this.#outage = false;
          backoff = 0;
          if (Date.now() - this.#lastPrune > PRUNE_EVERY_MS) {
            this.#lastPrune = Date.now();
            await this.prune();
          }
          return published < this.#o.batchSize ? this.#o.intervalMs : 0;
        } catch (err) {
          if (!this.#outage)
            this.#o.logger.warn({ err }, 'outbox relay: publishing failed; events stay queued');
          this.#outage = true;
          // A fresh producer after a failure: kafkajs' idempotent producer can stay wedged on
          // sequence numbers after a broker restart. Duplicates this may cause are deduped by id.
          await this.#dropProducer();
          backoff = Math.min(Math.max(200, backoff * 2), MAX_BACKOFF_MS);
          return backoff;
        }
      });
      if (next > 0) await this.#sleep(next);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken || !this.#running) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = null;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#wakeUp = done;
    });
  }

  async #ensureProducer(): Promise<Producer> {
    if (this.#producer) return this.#producer;
    await ensureTopics(this.#o.kafka, this.#o.topics);
    const producer = this.#o.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      retry: { initialRetryTime: 200, retries: 3 },
    });
    await producer.connect();
    this.#producer = producer;
    return producer;
  }

  async #dropProducer(): Promise<void> {
    const producer = this.#producer;
    this.#producer = null;
    await producer?.disconnect().catch(() => undefined);
  }
}
