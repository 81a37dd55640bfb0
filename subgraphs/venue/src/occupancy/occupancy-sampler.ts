import type { RedisClient } from '@sport-venue/shared';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { currentCounts } from './occupancy-store.ts';
import { insertSamples } from './occupancy-samples.ts';
import { isOpenAt, readOpeningHours } from '../catalog/opening-hours.ts';

/**
 * Stores every venue's live headcount at `now`, floored to the interval: venues that are open,
 * or closed with people still checked in. The floored instant is part of the primary key, so
 * several instances sampling the same tick store one row.
 */
export async function sampleOccupancy(
  db: PrismaClient,
  redis: RedisClient,
  now: Date,
  intervalMs: number,
): Promise<number> {
  const at = new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
  let afterId = 0n;
  let stored = 0;
  for (;;) {
    const venues = await db.venue.findMany({
      where: { id: { gt: afterId } },
      select: { id: true, openingHours: true, timeZone: true },
      orderBy: { id: 'asc' },
      take: 1_000,
    });
    if (venues.length === 0) return stored;
    const counts = await currentCounts(
      redis,
      venues.map((v) => v.id.toString()),
    );
    const rows = venues
      .map((v, i) => ({
        venueId: v.id,
        at,
        count: counts[i]!,
        open: isOpenAt(readOpeningHours(v.openingHours), now, v.timeZone),
      }))
      .filter((r) => r.open || r.count > 0)
      .map(({ venueId, count }) => ({ venueId, at, count }));
    stored += await insertSamples(db, rows);
    afterId = venues.at(-1)!.id;
  }
}
