// MariaDB adapter for the headcount history (OccupancySample). Aggregation happens per UTC
// bucket in SQL (zone-independent: TIMESTAMPDIFF from the epoch); local weekday-hours are
// derived in code, which knows each venue's IANA zone.
import type { PrismaClient } from './generated/prisma/client.ts';
import type { HourBucket } from './popular-times.ts';

export interface HistoryPoint {
  at: Date;
  count: number;
  max: number;
  samples: number;
}

export async function latestSampleAt(
  db: PrismaClient,
  venueId: bigint,
  notAfter: Date,
): Promise<Date | null> {
  const row = await db.occupancySample.findFirst({
    where: { venueId, at: { lte: notAfter } },
    orderBy: { at: 'desc' },
    select: { at: true },
  });
  return row?.at ?? null;
}

export async function hourBuckets(
  db: PrismaClient,
  venueId: bigint,
  from: Date,
  to: Date,
): Promise<HourBucket[]> {
  const rows = await db.$queryRaw<Array<{ h: bigint | number; total: unknown; n: bigint | number }>>`
    SELECT FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', at) / 3600) AS h, SUM(count) AS total, COUNT(*) AS n
    FROM OccupancySample
    WHERE venueId = ${venueId} AND at >= ${from} AND at <= ${to}
    GROUP BY h`;
  return rows.map((r) => ({
    hourStart: new Date(Number(r.h) * 3_600_000),
    total: Number(r.total),
    samples: Number(r.n),
  }));
}

export async function historyBuckets(
  db: PrismaClient,
  venueId: bigint,
  from: Date,
  to: Date,
  bucketSeconds: number,
): Promise<HistoryPoint[]> {
  const rows = await db.$queryRaw<
    Array<{ b: bigint | number; avg: unknown; max: unknown; n: bigint | number }>
  >`
    SELECT FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', at) / ${bucketSeconds}) AS b,
           AVG(count) AS avg, MAX(count) AS max, COUNT(*) AS n
    FROM OccupancySample
    WHERE venueId = ${venueId} AND at >= ${from} AND at < ${to}
    GROUP BY b ORDER BY b`;
  return rows.map((r) => ({
    at: new Date(Number(r.b) * bucketSeconds * 1000),
    count: Math.round(Number(r.avg) * 100) / 100,
    max: Number(r.max),
    samples: Number(r.n),
  }));
}

export async function insertSamples(
  db: PrismaClient,
  rows: Array<{ venueId: bigint; at: Date; count: number }>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.occupancySample.createMany({
    data: rows.map((r) => ({ ...r, source: 'SAMPLED' })),
    skipDuplicates: true,
  });
  return result.count;
}
