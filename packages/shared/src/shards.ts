// The MySQL shard map (docs/decisions/0021), written once: which shard holds a row of each table,
// by the seed's shard keys. The Spider front's partition clauses are generated from it
// (migrations.ts), tests read each shard directly with it, and id generation (ids.ts) embeds it.
//
// Owners follow docs/decisions/0012: a user's rows live with the user (RANGE of the user id), a
// venue's rows with the venue (HASH of the venue id), venues and cities by region (LIST COLUMNS
// of the city code); lookups without the owner key (openid, unionid, username, phone) go through
// IdentityLookup, itself placed by a hash of the looked-up value.
import { crc32 } from 'node:zlib';

/**
 * Every generated id is `0 | range (3 bits) | ms since ID_EPOCH (41) | worker (9) | sequence (10)`.
 * The range bits are what RANGE partitioning of user ids sees: a new user gets one of the
 * pre-split ranges (round-robin), so new users spread over every shard while ids stay
 * time-ordered within a range. Every other id has range 0 and is time-ordered overall (bookings
 * and slots are found by their venue, which their GraphQL id carries).
 */
export const ID_BITS = { range: 3, time: 41, worker: 9, sequence: 10 } as const;
export const ID_RANGES = 1 << ID_BITS.range;
/** 2026-01-01T00:00:00Z; 41 bits of milliseconds last ~69 years from there. */
export const ID_EPOCH_MS = 1_767_225_600_000;
const RANGE_SHIFT = BigInt(ID_BITS.time + ID_BITS.worker + ID_BITS.sequence);

/** The pre-split user id range an id belongs to (0 … ID_RANGES-1). */
export function rangeOfId(id: bigint): number {
  return Number(id >> RANGE_SHIFT);
}

/** The lowest id of a range: partition `r<N>` holds ids in [rangeStart(N), rangeStart(N+1)). */
export function rangeStart(range: number): bigint {
  return BigInt(range) << RANGE_SHIFT;
}

/**
 * Venue-owned rows are spread by a hash of the venue id — `venueId MOD VENUE_BUCKETS` (ids are
 * time-ordered with a rolling sequence in the low bits, so the remainder is uniform) — over this
 * many buckets, grouped per shard (front: `PARTITION BY LIST (venueId MOD 8)`).
 */
export const VENUE_BUCKETS = 8;
export function venueBucket(venueId: bigint): number {
  return Number(venueId % BigInt(VENUE_BUCKETS));
}

/** Lookup rows are placed by a CRC-32 of the looked-up value over this many buckets. */
export const LOOKUP_BUCKETS = 8;
export function lookupBucket(value: string): number {
  return crc32(Buffer.from(value, 'utf8')) % LOOKUP_BUCKETS;
}

/**
 * Regions of the venue catalogue: LIST COLUMNS (cityCode) partitions. A city not listed lands in
 * the DEFAULT partition. Adding a city to a region: move its rows if the region lives on another
 * shard than DEFAULT, then ALTER the front's Venue and City partitioning (docs/decisions/0021).
 */
export const REGIONS: ReadonlyArray<{ name: string; cities: readonly string[] }> = [
  { name: 'north', cities: ['110000', '120000', '130100', '140100', '150100', '210100', '370100'] },
  { name: 'east', cities: ['310000', '320100', '320500', '330100', '340100', '350100', '360100'] },
  { name: 'south', cities: ['440100', '440300', '450100', '460100', '430100', '420100', '500000'] },
];
export const DEFAULT_REGION = 'other';

/** The region a city belongs to (DEFAULT_REGION when it is in no list). */
export function regionOf(cityCode: string): string {
  return REGIONS.find((r) => r.cities.includes(cityCode))?.name ?? DEFAULT_REGION;
}

/**
 * Which shard holds what. Spider sends a scan of a partition to its remote table without the
 * partition's condition, so two partitions of one table on one shard would each return the whole
 * remote table: every front table therefore has exactly one partition per shard, which lists the
 * ranges, buckets or regions that shard holds. Ranges are contiguous per shard (ranges 0–3 on
 * shard0 and 4–7 on shard1 with 2 shards); buckets and regions are dealt round-robin. Moving a
 * range, bucket or region to another shard means moving its rows first, then regenerating the
 * front (docs/decisions/0021).
 */
export const shardOfRange = (range: number, shards: number) => Math.floor((range * shards) / ID_RANGES);
export const shardOfBucket = (bucket: number, shards: number) => bucket % shards;
export const shardOfUserId = (userId: bigint, shards: number) => shardOfRange(rangeOfId(userId), shards);
export const shardOfVenueId = (venueId: bigint, shards: number) =>
  shardOfBucket(venueBucket(venueId), shards);
export const shardOfLookup = (value: string, shards: number) => shardOfBucket(lookupBucket(value), shards);
/** Regions are dealt round-robin; DEFAULT_REGION counts as the region after the listed ones. */
export function shardOfCity(cityCode: string, shards: number): number {
  const region = regionOf(cityCode);
  const index = region === DEFAULT_REGION ? REGIONS.length : REGIONS.findIndex((r) => r.name === region);
  return index % shards;
}

export type Placement =
  | { by: 'userRange'; column: string }
  | { by: 'venueHash'; column: string }
  | { by: 'region'; column: string }
  | { by: 'lookupBucket'; column: string };

/** Every table of every sharded database and its placement. A table missing here fails migration. */
export const PLACEMENTS: Record<string, Record<string, Placement>> = {
  user: {
    User: { by: 'userRange', column: 'id' },
    WechatSession: { by: 'userRange', column: 'userId' },
    OperatorCredential: { by: 'userRange', column: 'userId' },
    UserRole: { by: 'userRange', column: 'userId' },
    OperatorVenue: { by: 'userRange', column: 'userId' },
    RefreshToken: { by: 'userRange', column: 'userId' },
    PointsAccount: { by: 'userRange', column: 'userId' },
    PointsEntry: { by: 'userRange', column: 'userId' },
    CheckinDay: { by: 'userRange', column: 'userId' },
    QuietAlert: { by: 'userRange', column: 'userId' },
    IdentityLookup: { by: 'lookupBucket', column: 'bucket' },
  },
  venue: {
    City: { by: 'region', column: 'code' },
    Venue: { by: 'region', column: 'cityCode' },
    OccupancySample: { by: 'venueHash', column: 'venueId' },
    CheckIn: { by: 'venueHash', column: 'venueId' },
    OutboxEvent: { by: 'venueHash', column: 'venueId' },
    BookingSlot: { by: 'venueHash', column: 'venueId' },
    Booking: { by: 'venueHash', column: 'venueId' },
  },
};

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const srv = (shard: number) => `COMMENT = 'srv "shard${shard}"'`;
const shardList = (shards: number) => Array.from({ length: shards }, (_, s) => s);
const bucketsOf = (shard: number, buckets: number, shards: number) =>
  Array.from({ length: buckets }, (_, b) => b).filter((b) => shardOfBucket(b, shards) === shard);

/** The `PARTITION BY …` clause of a front (Spider) table over `shards` shard servers. */
export function partitionClause(placement: Placement, shards: number): string {
  const col = `\`${placement.column}\``;
  switch (placement.by) {
    case 'userRange': {
      const parts = shardList(shards).flatMap((s) => {
        const ranges = Array.from({ length: ID_RANGES }, (_, r) => r).filter(
          (r) => shardOfRange(r, shards) === s,
        );
        if (ranges.length === 0) return [];
        const next = ranges.at(-1)! + 1;
        const bound = next >= ID_RANGES ? 'MAXVALUE' : rangeStart(next).toString();
        return [`PARTITION s${s} VALUES LESS THAN (${bound}) ${srv(s)}`];
      });
      return `PARTITION BY RANGE (${col}) (${parts.join(', ')})`;
    }
    case 'venueHash':
    case 'lookupBucket': {
      const buckets = placement.by === 'venueHash' ? VENUE_BUCKETS : LOOKUP_BUCKETS;
      const expr = placement.by === 'venueHash' ? `${col} MOD ${VENUE_BUCKETS}` : col;
      const parts = shardList(shards).flatMap((s) => {
        const mine = bucketsOf(s, buckets, shards);
        return mine.length ? [`PARTITION s${s} VALUES IN (${mine.join(', ')}) ${srv(s)}`] : [];
      });
      return `PARTITION BY LIST (${expr}) (${parts.join(', ')})`;
    }
    case 'region': {
      // The shard of DEFAULT_REGION takes every city not listed for another shard, its own
      // regions' cities included; the other shards list their regions' cities.
      const defaultShard = REGIONS.length % shards;
      const parts = shardList(shards).flatMap((s) => {
        if (s === defaultShard) return [`PARTITION s${s} DEFAULT ${srv(s)}`];
        const cities = REGIONS.filter((_, i) => i % shards === s).flatMap((r) => r.cities);
        return cities.length ? [`PARTITION s${s} VALUES IN (${cities.map(quote).join(', ')}) ${srv(s)}`] : [];
      });
      return `PARTITION BY LIST COLUMNS (${col}) (${parts.join(', ')})`;
    }
  }
}
