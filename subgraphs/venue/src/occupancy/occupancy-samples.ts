// MariaDB adapter for the headcount history (OccupancySample). Aggregation happens per UTC
// bucket in SQL (zone-independent: TIMESTAMPDIFF from the epoch); local weekday-hours are
// derived in code, which knows each venue's IANA zone.
import { HOUR_MS } from '../clock.ts';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import type { HourBucket } from './popular-times.ts';

export interface HistoryPoint {
  at: Date;
  count: number;
  max: number;
  samples: number;
}

/**
 * Hourly buckets of each venue's recent history in one grouped query: per venue, the samples from
 * `days` before its latest sample (at or before `notAfter`) up to that sample. The window ends at
 * the latest sample, not now: imported history may stop in the past. Venues without a sample at or
 * before `notAfter` are absent from the result.
 */
export async function recentHourBuckets(
  db: PrismaClient,
  venueIds: readonly bigint[],
  notAfter: Date,
  days: number,
): Promise<Map<bigint, HourBucket[]>> {
  const byVenue = new Map<bigint, HourBucket[]>();
  if (venueIds.length === 0) return byVenue;
  const rows = await db.$queryRaw<
    Array<{ venueId: bigint | number; h: bigint | number; total: unknown; n: bigint | number }>
  >`
    SELECT s.venueId AS venueId,
           FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', s.at) / 3600) AS h,
           SUM(s.count) AS total, COUNT(*) AS n
    FROM OccupancySample s
    JOIN (
      SELECT venueId, MAX(at) AS latest FROM OccupancySample
      WHERE venueId IN (${Prisma.join([...venueIds])}) AND at <= ${notAfter}
      GROUP BY venueId
    ) l ON l.venueId = s.venueId
    WHERE s.at >= l.latest - INTERVAL ${Prisma.raw(String(Math.trunc(days)))} DAY AND s.at <= l.latest
    GROUP BY s.venueId, h`;
  for (const r of rows) {
    const venueId = BigInt(r.venueId);
    const buckets = byVenue.get(venueId) ?? [];
    buckets.push({
      hourStart: new Date(Number(r.h) * HOUR_MS),
      total: Number(r.total),
      samples: Number(r.n),
    });
    byVenue.set(venueId, buckets);
  }
  return byVenue;
}

/** Bucketed history of many venues over one range, grouped by venue, in one query. */
export async function historyBuckets(
  db: PrismaClient,
  venueIds: readonly bigint[],
  from: Date,
  to: Date,
  bucketSeconds: number,
): Promise<Map<string, HistoryPoint[]>> {
  const rows = await db.$queryRaw<
    Array<{ venueId: bigint | number; b: bigint | number; avg: unknown; max: unknown; n: bigint | number }>
  >`
    SELECT venueId, FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', at) / ${bucketSeconds}) AS b,
           AVG(count) AS avg, MAX(count) AS max, COUNT(*) AS n
    FROM OccupancySample
    WHERE venueId IN (${Prisma.join([...venueIds])}) AND at >= ${from} AND at < ${to}
    GROUP BY venueId, b ORDER BY venueId, b`;
  const out = new Map<string, HistoryPoint[]>();
  for (const r of rows) {
    const key = String(r.venueId);
    const points = out.get(key) ?? [];
    points.push({
      at: new Date(Number(r.b) * bucketSeconds * 1000),
      count: Math.round(Number(r.avg) * 100) / 100,
      max: Number(r.max),
      samples: Number(r.n),
    });
    out.set(key, points);
  }
  return out;
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
