// Relays the outbox to Kafka, one independent loop per partition of `OutboxEvent` (behind the
// Spider front one partition is one shard, docs/decisions/0021), so a dead or hung shard stalls
// only its own events while the other shards' keep flowing. Each loop reads its partition's rows
// in `seq` order under row locks (READ COMMITTED: no gap locks, so check-ins keep inserting while a
// batch is in flight), sends them with its own idempotent producer, and marks them published in
// the same transaction; a failed send rolls back and that loop retries after its own backoff.
// Delivery is at-least-once: consumers dedupe on the event id. Order is kept per shard, hence per
// venue; a user's events from venues on different shards may interleave (docs/events.md).
import type { Kafka, Producer } from 'kafkajs';
import {
  ensureTopics,
  mariadbPool,
  newLogContext,
  withLogContext,
  withTransactionConnection,
  type Logger,
} from '@sport-venue/shared';
import { shardOfVenueId } from '@sport-venue/shared';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { outboxPartitions } from './outbox.ts';

export interface OutboxRelayOptions {
  db: PrismaClient;
  /**
   * The database URL: batches run on a small driver pool of the relay's own (READ COMMITTED, two
   * requests per batch) rather than through Prisma (isolation SET, BEGIN, prepared SELECT and
   * UPDATE, COMMIT: a dozen socket writes per batch).
   */
  databaseUrl: string;
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
/**
 * A woken loop starts its next batch no sooner than this after the previous one started: under a
 * stream of check-ins the wakes of many requests make one batch (one transaction, one send)
 * instead of one each, for at most this much added delay.
 */
const COALESCE_MS = 50;
const PRUNE_EVERY_MS = 10 * 60_000;
const PARTITION_NAME = /^[A-Za-z0-9_]+$/;

/** `OutboxEvent`, or one named partition of it (`OutboxEvent PARTITION (s1)`). */
function outboxTable(partition: string | null): Prisma.Sql {
  if (partition === null) return Prisma.raw('OutboxEvent');
  // Names come from the table's DDL; checked anyway since they are spliced into SQL.
  if (!PARTITION_NAME.test(partition)) throw new Error(`unexpected outbox partition name ${partition}`);
  return Prisma.raw(`OutboxEvent PARTITION (\`${partition}\`)`);
}

/** Something that sleeps between rounds and can be woken early. */
class Pause {
  #wakeUp: (() => void) | null = null;
  #woken = false;

  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  sleep(ms: number, running: () => boolean): Promise<void> {
    if (this.#woken || !running()) {
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
}

/** The relay of one partition: its own producer, backoff and outage state. */
class PartitionRelay {
  readonly pause = new Pause();
  readonly #o: RelaySettings;
  readonly #partition: string | null;
  readonly #table: Prisma.Sql;
  readonly #tableName: string;
  #producer: Producer | null = null;
  #outage = false;
  #lastPrune = 0;

  constructor(options: RelaySettings, partition: string | null) {
    this.#o = options;
    this.#partition = partition;
    this.#table = outboxTable(partition);
    this.#tableName = this.#table.sql;
  }

  /**
   * One batch in two requests on the relay's own driver connection: `START TRANSACTION; SELECT …
   * FOR UPDATE`, then (after Kafka acknowledged) `UPDATE …; COMMIT`. MariaDB stops at the first
   * failing statement, so COMMIT runs only after the UPDATE; any failure rolls back.
   */
  relayOnce(): Promise<number> {
    return withTransactionConnection(this.#o.pool, async (conn) => {
      const [, rows] = (await conn.query(
        `START TRANSACTION; SELECT seq, id, topic, msgKey, payload, traceparent FROM ${this.#tableName}
         WHERE publishedAt IS NULL ORDER BY seq LIMIT ? FOR UPDATE`,
        [this.#o.batchSize],
      )) as [unknown, OutboxRow[]];
      if (rows.length === 0) {
        await conn.query('COMMIT');
        return 0;
      }
      // Connected only once there is something to send: a loop whose shard is down (its SELECT
      // fails) opens no Kafka connections while it retries.
      const producer = await this.#ensureProducer();
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
      await conn.query(`UPDATE ${this.#tableName} SET publishedAt = NOW(3) WHERE seq IN (?); COMMIT`, [
        rows.map((r) => r.seq),
      ]);
      return rows.length;
    });
  }

  prune(): Promise<number> {
    return this.#o.db.$executeRaw`
      DELETE FROM ${this.#table}
      WHERE publishedAt IS NOT NULL AND publishedAt < NOW(3) - INTERVAL ${this.#o.retentionHours} HOUR
      LIMIT 10000`;
  }

  async run(running: () => boolean): Promise<void> {
    let backoff = 0;
    let started = 0;
    const where = this.#partition === null ? '' : ` (partition ${this.#partition})`;
    while (running()) {
      const since = Date.now() - started;
      if (since < COALESCE_MS) await new Promise((resolve) => setTimeout(resolve, COALESCE_MS - since));
      started = Date.now();
      // Each relayed batch is a unit of work: its lines share a trace id of their own.
      const next = await withLogContext(newLogContext(), async () => {
        try {
          const published = await this.relayOnce();
          if (this.#outage) this.#o.logger.info(`outbox relay${where}: publishing again, resuming`);
          this.#outage = false;
          backoff = 0;
          if (Date.now() - this.#lastPrune > PRUNE_EVERY_MS) {
            this.#lastPrune = Date.now();
            await this.prune();
          }
          return published < this.#o.batchSize ? this.#o.intervalMs : 0;
        } catch (err) {
          if (!this.#outage)
            this.#o.logger.warn({ err }, `outbox relay${where}: publishing failed; events stay queued`);
          this.#outage = true;
          // A fresh producer after a failure: kafkajs' idempotent producer can stay wedged on
          // sequence numbers after a broker restart. Duplicates this may cause are deduped by id.
          await this.dropProducer();
          backoff = Math.min(Math.max(200, backoff * 2), MAX_BACKOFF_MS);
          return backoff;
        }
      });
      if (next > 0) await this.pause.sleep(next, running);
    }
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

  async dropProducer(): Promise<void> {
    const producer = this.#producer;
    this.#producer = null;
    await producer?.disconnect().catch(() => undefined);
  }
}

type RelaySettings = Required<Omit<OutboxRelayOptions, 'databaseUrl'>> & {
  pool: ReturnType<typeof mariadbPool>;
};

export class OutboxRelay {
  readonly #o: RelaySettings;
  readonly #pause = new Pause();
  #running = false;
  #loop: Promise<void> | null = null;
  #parts: PartitionRelay[] = [];

  constructor(options: OutboxRelayOptions) {
    this.#o = {
      batchSize: 500,
      ...options,
      pool: mariadbPool(options.databaseUrl, {
        connectionLimit: 4,
        minimumIdle: 1,
        multipleStatements: true,
        // Row locks only on the rows read (no gap locks): check-ins keep inserting meanwhile.
        initSql: 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
      }),
    };
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
  }

  /** Ends the relay's connections (after the last `stop`; a closed relay cannot start again). */
  async close(): Promise<void> {
    await this.stop();
    await this.#o.pool.end();
  }

  /**
   * Something was just written to the outbox: relay now instead of at the next tick. `venueIds`
   * (the rows' shard keys) wakes only the loops of their partitions; without it, every loop.
   */
  wake(venueIds?: readonly string[]): void {
    this.#pause.wake();
    const parts = this.#parts;
    // Partition N of the front is shard N (shards.ts deals buckets to shards in order).
    const chosen =
      venueIds && parts.length > 1
        ? venueIds.map((id) => parts[shardOfVenueId(BigInt(id), parts.length)])
        : parts;
    for (const part of chosen.includes(undefined) ? parts : chosen) part!.pause.wake();
  }

  /** Events not yet acknowledged by Kafka (every shard: fails while one is down). */
  async pending(): Promise<number> {
    const [row] = await this.#o.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT COUNT(*) AS n FROM OutboxEvent WHERE publishedAt IS NULL`;
    return Number(row?.n ?? 0);
  }

  /** The partitions of `OutboxEvent` (one per shard behind the Spider front), `[null]` if none. */
  partitions(): Promise<Array<string | null>> {
    return outboxPartitions(this.#o.db);
  }

  async #run(): Promise<void> {
    // The partition list is needed once; retried while the front itself is unreachable.
    let backoff = 0;
    let partitions: Array<string | null> | null = null;
    while (this.#running && partitions === null) {
      try {
        partitions = await this.partitions();
      } catch (err) {
        if (backoff === 0) this.#o.logger.warn({ err }, 'outbox relay: cannot list outbox partitions');
        backoff = Math.min(Math.max(200, backoff * 2), MAX_BACKOFF_MS);
        await this.#pause.sleep(backoff, () => this.#running);
      }
    }
    if (partitions === null) return;
    this.#parts = partitions.map((p) => new PartitionRelay(this.#o, p));
    try {
      await Promise.all(this.#parts.map((part) => part.run(() => this.#running)));
    } finally {
      await Promise.all(this.#parts.map((part) => part.dropProducer()));
      this.#parts = [];
    }
  }
}
