// The venue subgraph's own metrics: check-ins, live headcount, and the outbox backlog (events
// waiting for Kafka), read at scrape time.
import { Counter, Gauge, type RedisClient, type Registry } from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';
import { currentCounts } from './occupancy/occupancy-store.ts';

export function createVenueMetrics(registry: Registry, db: PrismaClient, redis: RedisClient) {
  const registers = [registry];
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Outbox events not yet acknowledged by Kafka',
    registers,
    async collect() {
      const [row] = await db.$queryRaw<Array<{ n: bigint; oldest: Date | null }>>`
        SELECT COUNT(*) AS n, MIN(createdAt) AS oldest FROM OutboxEvent WHERE publishedAt IS NULL`;
      this.set(Number(row?.n ?? 0));
      oldest.set(row?.oldest ? Math.max(0, (Date.now() - row.oldest.getTime()) / 1000) : 0);
    },
  });
  const oldest = new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest outbox event not yet acknowledged by Kafka (0 when none)',
    registers,
  });
  new Gauge({
    name: 'venue_present_people',
    help: 'People checked in right now, over all venues',
    registers,
    async collect() {
      const ids = await db.venue.findMany({ select: { id: true } });
      const counts = await currentCounts(
        redis,
        ids.map((v) => v.id.toString()),
      );
      this.set(counts.reduce((a, b) => a + b, 0));
    },
  });
  return {
    checkins: new Counter({
      name: 'venue_checkins_total',
      help: 'Accepted check-ins and check-outs (type: in, out, auto_out)',
      labelNames: ['type'],
      registers,
    }),
    presenceWriteTransactions: new Counter({
      name: 'presence_write_transactions_total',
      help: 'Group-committed presence transactions (session rows + outbox events of one shard), by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    presenceWriteRows: new Counter({
      name: 'presence_write_rows_total',
      help: 'Session rows (each with its outbox event) committed by presence transactions',
      registers,
    }),
  };
}

export type VenueMetrics = ReturnType<typeof createVenueMetrics>;
