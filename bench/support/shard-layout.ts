// The shard layout the sharding-engine benchmark (bench/shards.bench.ts) puts behind both engines,
// MariaDB Spider and ShardingSphere-Proxy, and the DDL for it: the seed's keys (user by id RANGE,
// venue by city_code, bookings and check-ins by venue_id HASH), written once so the Spider
// partition clauses, the ShardingSphere rules (infra/shardingsphere/config.ts) and the direct
// per-shard placement check all follow the same functions.
//
// Ids are made by the application (time-ordered, unique across shards, no AUTO_INCREMENT):
//   bit 62..59  bucket (0..15)  — users only: picked per new user, so new users spread over every
//                                 range instead of all landing in the newest one
//   bit 58..16  milliseconds since 2026-01-01
//   bit 15..0   a per-process counter (and random start)
// Each shard holds a contiguous run of buckets (pre-split RANGE boundaries at bucket edges). A
// range is added by splitting a shard's bucket run: move the rows of the upper buckets to the new
// shard, then add the boundary to both engines' rules.
import { randomInt } from 'node:crypto';

export const BUCKETS = 16;
const BUCKET_SHIFT = 59n;
const TIME_SHIFT = 16n;
const EPOCH_MS = Date.UTC(2026, 0, 1);

export interface ShardLayout {
  shards: number;
  /** User.id RANGE: shard i holds ids below userIdBoundaries[i]; the last shard the rest. */
  userIdBoundaries: bigint[];
  /** Venue.cityCode RANGE over 6-digit codes (the first digit is the region: 1 North … 6 Northwest). */
  cityCodeBoundaries: string[];
}

/** Four shards: buckets 0–3, 4–7, 8–11, 12–15; regions 1–2, 3 (East), 4 (Central-South), 5–6. */
export function layoutOf(shards = 4): ShardLayout {
  if (shards !== 4) throw new Error('the benchmark layout is defined for 4 shards');
  const per = BUCKETS / shards;
  return {
    shards,
    userIdBoundaries: [1, 2, 3].map((i) => BigInt(i * per) << BUCKET_SHIFT),
    cityCodeBoundaries: ['300000', '400000', '500000'],
  };
}

function rangeShard<T>(boundaries: readonly T[], value: T): number {
  const i = boundaries.findIndex((b) => value < b);
  return i < 0 ? boundaries.length : i;
}

export const shardOfUser = (layout: ShardLayout, id: bigint) => rangeShard(layout.userIdBoundaries, id);
export const shardOfCity = (layout: ShardLayout, cityCode: string) =>
  rangeShard(layout.cityCodeBoundaries, cityCode);
/** MariaDB's PARTITION BY HASH(int) and ShardingSphere's MOD are the same function: value mod n. */
export const shardOfVenueKey = (layout: ShardLayout, venueId: bigint) =>
  Number(venueId % BigInt(layout.shards));
/** The login lookup row is sharded by a hash of its value, stored as a column (loginHash()). */
export const shardOfLogin = (layout: ShardLayout, hash: bigint) => Number(hash % BigInt(layout.shards));

let counter = randomInt(0, 1 << 16);
/** A time-ordered id; `bucket` (0..15) for ids that carry their RANGE bucket (users). */
export function newId(bucket = 0): bigint {
  counter = (counter + 1) & 0xffff;
  return (BigInt(bucket) << BUCKET_SHIFT) | (BigInt(Date.now() - EPOCH_MS) << TIME_SHIFT) | BigInt(counter);
}

/** A new user's bucket: round robin over all buckets, so every shard takes its share of sign-ups. */
let nextBucket = randomInt(0, BUCKETS);
export function newUserId(): bigint {
  nextBucket = (nextBucket + 1) % BUCKETS;
  return newId(nextBucket);
}

/** FNV-1a (32 bit) of provider:value — the login lookup table's shard column. */
export function loginHash(provider: string, value: string): bigint {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(`${provider}:${value}`)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return BigInt(h);
}

export interface ShardedTable {
  name: string;
  /** Column the table is distributed by, and how. */
  column: string;
  strategy: 'user-range' | 'city-range' | 'venue-mod' | 'login-mod';
  /** Columns and keys, as for InnoDB (each shard and the unsharded reference). */
  body: string;
}

const TABLE_OPTIONS = 'DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';

/**
 * The project's tables as they look when sharded: every unique key carries the shard column (a
 * MariaDB partitioning rule, and what keeps uniqueness shard-local), no AUTO_INCREMENT, no foreign
 * keys across tables (they may sit on other shards). Columns follow prisma/{user,venue}.
 */
export const TABLES: ShardedTable[] = [
  {
    name: 'User',
    column: 'id',
    strategy: 'user-range',
    body: `\`id\` BIGINT NOT NULL,
  \`openid\` VARCHAR(191) NOT NULL,
  \`unionid\` VARCHAR(191) NULL,
  \`nickname\` VARCHAR(191) NULL,
  \`avatarUrl\` VARCHAR(191) NULL,
  \`cityCode\` VARCHAR(191) NULL,
  \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  \`updatedAt\` DATETIME(3) NOT NULL,
  PRIMARY KEY (\`id\`)`,
  },
  {
    // Global uniqueness of an openid/unionid/username: one row per value, on the shard of its hash.
    name: 'UserLogin',
    column: 'hash',
    strategy: 'login-mod',
    body: `\`hash\` BIGINT NOT NULL,
  \`provider\` VARCHAR(16) NOT NULL,
  \`value\` VARCHAR(191) NOT NULL,
  \`userId\` BIGINT NOT NULL,
  \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (\`hash\`, \`provider\`, \`value\`)`,
  },
  {
    name: 'Venue',
    column: 'cityCode',
    strategy: 'city-range',
    body: `\`id\` BIGINT NOT NULL,
  \`cityCode\` VARCHAR(16) NOT NULL,
  \`slug\` VARCHAR(64) NOT NULL,
  \`name\` VARCHAR(191) NOT NULL,
  \`address\` VARCHAR(191) NOT NULL,
  \`lat\` DOUBLE NOT NULL,
  \`lng\` DOUBLE NOT NULL,
  \`sports\` JSON NOT NULL,
  \`capacity\` INTEGER NULL,
  \`timeZone\` VARCHAR(191) NOT NULL,
  \`openingHours\` JSON NOT NULL,
  \`checkinRadiusM\` INTEGER NOT NULL DEFAULT 200,
  \`typicalStayMin\` INTEGER NOT NULL DEFAULT 90,
  \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  \`updatedAt\` DATETIME(3) NOT NULL,
  PRIMARY KEY (\`id\`, \`cityCode\`),
  UNIQUE INDEX \`Venue_cityCode_slug_key\` (\`cityCode\`, \`slug\`),
  INDEX \`Venue_cityCode_id_idx\` (\`cityCode\`, \`id\`)`,
  },
  {
    name: 'BookingSlot',
    column: 'venueId',
    strategy: 'venue-mod',
    body: `\`id\` BIGINT NOT NULL,
  \`venueId\` BIGINT NOT NULL,
  \`resource\` VARCHAR(64) NOT NULL,
  \`startsAt\` DATETIME(3) NOT NULL,
  \`endsAt\` DATETIME(3) NOT NULL,
  \`capacity\` INTEGER NOT NULL,
  \`booked\` INTEGER NOT NULL DEFAULT 0,
  \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (\`venueId\`, \`id\`),
  UNIQUE INDEX \`BookingSlot_venueId_resource_startsAt_key\` (\`venueId\`, \`resource\`, \`startsAt\`)`,
  },
  {
    name: 'Booking',
    column: 'venueId',
    strategy: 'venue-mod',
    body: `\`id\` BIGINT NOT NULL,
  \`venueId\` BIGINT NOT NULL,
  \`slotId\` BIGINT NOT NULL,
  \`userId\` BIGINT NOT NULL,
  \`status\` VARCHAR(16) NOT NULL,
  \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  \`updatedAt\` DATETIME(3) NOT NULL,
  \`confirmedAt\` DATETIME(3) NOT NULL,
  \`cancelledAt\` DATETIME(3) NULL,
  PRIMARY KEY (\`venueId\`, \`id\`),
  UNIQUE INDEX \`Booking_venueId_slotId_userId_key\` (\`venueId\`, \`slotId\`, \`userId\`),
  INDEX \`Booking_userId_createdAt_idx\` (\`userId\`, \`createdAt\`)`,
  },
  {
    name: 'CheckIn',
    column: 'venueId',
    strategy: 'venue-mod',
    body: `\`venueId\` BIGINT NOT NULL,
  \`id\` VARCHAR(36) NOT NULL,
  \`userId\` BIGINT NOT NULL,
  \`cityCode\` VARCHAR(16) NOT NULL,
  \`source\` VARCHAR(16) NOT NULL,
  \`counted\` BOOLEAN NOT NULL,
  \`startedAt\` DATETIME(3) NOT NULL,
  \`expiresAt\` DATETIME(3) NOT NULL,
  \`endedAt\` DATETIME(3) NULL,
  \`minutes\` INTEGER NULL,
  \`endReason\` VARCHAR(16) NULL,
  PRIMARY KEY (\`venueId\`, \`id\`),
  INDEX \`CheckIn_venueId_startedAt_idx\` (\`venueId\`, \`startedAt\`),
  INDEX \`CheckIn_userId_startedAt_idx\` (\`userId\`, \`startedAt\`)`,
  },
  {
    // The check-in's event, written in the check-in's local transaction: it lives with the venue.
    name: 'OutboxEvent',
    column: 'venueId',
    strategy: 'venue-mod',
    body: `\`seq\` BIGINT NOT NULL,
  \`id\` VARCHAR(36) NOT NULL,
  \`venueId\` BIGINT NOT NULL,
  \`topic\` VARCHAR(128) NOT NULL,
  \`msgKey\` VARCHAR(64) NOT NULL,
  \`payload\` TEXT NOT NULL,
  \`traceparent\` VARCHAR(55) NULL,
  \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  \`publishedAt\` DATETIME(3) NULL,
  PRIMARY KEY (\`venueId\`, \`seq\`),
  INDEX \`OutboxEvent_publishedAt_seq_idx\` (\`publishedAt\`, \`seq\`)`,
  },
];

/** InnoDB DDL: the unsharded reference database and every shard's database. */
export const innodbDdl = (): string[] =>
  TABLES.map((t) => `CREATE TABLE \`${t.name}\` (\n  ${t.body}\n) ENGINE=InnoDB ${TABLE_OPTIONS}`);

/** The Spider front's DDL: the same columns, partitions mapped to the servers `server(i)`. */
export function spiderDdl(layout: ShardLayout, server: (shard: number) => string): string[] {
  const shards = Array.from({ length: layout.shards }, (_, i) => i);
  const comment = (i: number) => `COMMENT = 'srv "${server(i)}"'`;
  const range = (bounds: string[]) =>
    shards
      .map(
        (i) =>
          `PARTITION p${i} VALUES LESS THAN (${i < bounds.length ? bounds[i] : 'MAXVALUE'}) ${comment(i)}`,
      )
      .join(',\n  ');
  const partitions: Record<ShardedTable['strategy'], (t: ShardedTable) => string> = {
    'user-range': (t) =>
      `PARTITION BY RANGE (\`${t.column}\`) (\n  ${range(layout.userIdBoundaries.map(String))}\n)`,
    'city-range': (t) =>
      `PARTITION BY RANGE COLUMNS (\`${t.column}\`) (\n  ${range(layout.cityCodeBoundaries.map((c) => `'${c}'`))}\n)`,
    'venue-mod': (t) =>
      `PARTITION BY HASH (\`${t.column}\`) (\n  ${shards.map((i) => `PARTITION p${i} ${comment(i)}`).join(',\n  ')}\n)`,
    'login-mod': (t) =>
      `PARTITION BY HASH (\`${t.column}\`) (\n  ${shards.map((i) => `PARTITION p${i} ${comment(i)}`).join(',\n  ')}\n)`,
  };
  return TABLES.map(
    (t) =>
      `CREATE TABLE \`${t.name}\` (\n  ${t.body}\n) ENGINE=SPIDER ${TABLE_OPTIONS} ` +
      `COMMENT = 'wrapper "mysql", table "${t.name}"'\n${partitions[t.strategy](t)}`,
  );
}

/** Which shard a row of `table` belongs on, from its shard column's value. */
export function shardOfRow(layout: ShardLayout, table: ShardedTable, value: unknown): number {
  switch (table.strategy) {
    case 'user-range':
      return shardOfUser(layout, BigInt(value as bigint));
    case 'city-range':
      return shardOfCity(layout, String(value));
    case 'venue-mod':
      return shardOfVenueKey(layout, BigInt(value as bigint));
    case 'login-mod':
      return shardOfLogin(layout, BigInt(value as bigint));
  }
}
