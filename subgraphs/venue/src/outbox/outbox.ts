import { nextId } from '@sport-venue/shared';
import type { PrismaClient } from '../generated/prisma/client.ts';

export interface OutboxMessage {
  /** Event id; a second insert of the same id is a no-op, so retried writes stay exactly-once. */
  id: string;
  /** Shard key of the change (the outbox row lives on the same shard as the change). */
  venueId: bigint | string;
  topic: string;
  key: string;
  payload: unknown;
  /** Trace context of the request that caused the event, for the Kafka `traceparent` header. */
  traceparent?: string | null;
}

type RawExecutor = Pick<PrismaClient, '$executeRaw'>;

/** Queues an event for the relay; call it on the transaction that makes the change. */
export function insertOutbox(db: RawExecutor, m: OutboxMessage) {
  return db.$executeRaw`
    INSERT INTO OutboxEvent (seq, id, venueId, topic, msgKey, payload, traceparent)
    VALUES (${nextId()}, ${m.id}, ${BigInt(m.venueId)}, ${m.topic}, ${m.key}, ${JSON.stringify(m.payload)}, ${m.traceparent ?? null})
    ON DUPLICATE KEY UPDATE id = id`;
}

/**
 * The partitions of `OutboxEvent` (one per shard behind the Spider front, named as the front's
 * DDL names them), or `[null]` for an unpartitioned table. Read from `SHOW CREATE TABLE`, which the
 * front answers from its own dictionary: `information_schema.PARTITIONS` asks every shard for
 * statistics and fails while one is down. Every venue-owned table is partitioned alike (shards.ts).
 */
export async function outboxPartitions(
  db: Pick<PrismaClient, '$queryRawUnsafe'>,
): Promise<Array<string | null>> {
  const [row] = await db.$queryRawUnsafe<Array<Record<string, string>>>('SHOW CREATE TABLE OutboxEvent');
  const ddl = row?.['Create Table'] ?? '';
  const names = [...ddl.matchAll(/(?<!SUB)PARTITION `([^`]+)`/g)].map((m) => m[1]!);
  return names.length > 0 ? names : [null];
}
