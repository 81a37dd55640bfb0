// The points ledger in MariaDB. A batch of inputs (one consumer chunk, any number of users) is
// applied in one transaction: it first locks the PointsAccount rows of all its users, in ascending
// userId order so that concurrent batches queue instead of deadlocking, plans each user's entries
// from the locked state, and writes entries, day counters and accounts before COMMIT. Writes for a
// user are therefore serialised whichever partition or process they come from, and the UNIQUE
// (userId, idempotencyKey) turns a redelivered input into a no-op: at-least-once delivery,
// exactly-once effect. All users of a batch live in one database today; once users are sharded by
// id range, a batch becomes one transaction per shard.
import { nextId } from '@sport-venue/shared';
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';
import {
  checkinDays,
  keysToCheck,
  planLedger,
  type AccountState,
  type LedgerInput,
  type LedgerPlan,
  type PointsKind,
  type PointsRules,
} from './points-rules.ts';
import { inTransaction } from './transactions.ts';

type Tx = Prisma.TransactionClient;

export interface BatchResult {
  /** Entries written. */
  written: number;
  refused: Array<{ userId: bigint } & LedgerPlan['refused'][number]>;
  /** Users that do not exist here: nothing can be written for them. */
  unknownUsers: bigint[];
}

interface AccountRow {
  userId: bigint;
  balance: number;
  lifetimeEarned: number;
  streakCurrent: number;
  streakLongest: number;
  streakLastDay: string | null;
}

/** Bounds each transaction (and its statements' parameter counts). */
const MAX_INPUTS_PER_TRANSACTION = 500;
const MAX_INPUTS_PER_USER_PIECE = 200;
const ROWS_PER_STATEMENT = 500;

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Splits a batch into transactions of bounded size. A user's inputs stay in order: piece n of a
 * user always lands in an earlier transaction than piece n + 1.
 */
export function splitBatch(batch: ReadonlyMap<bigint, LedgerInput[]>): Array<Map<bigint, LedgerInput[]>> {
  const parts: Array<Map<bigint, LedgerInput[]>> = [];
  for (let offset = 0; ; offset += MAX_INPUTS_PER_USER_PIECE) {
    let current = new Map<bigint, LedgerInput[]>();
    let size = 0;
    for (const [userId, inputs] of batch) {
      const piece = inputs.slice(offset, offset + MAX_INPUTS_PER_USER_PIECE);
      if (piece.length === 0) continue;
      if (size + piece.length > MAX_INPUTS_PER_TRANSACTION && size > 0) {
        parts.push(current);
        current = new Map();
        size = 0;
      }
      current.set(userId, piece);
      size += piece.length;
    }
    if (size === 0) return parts;
    parts.push(current);
  }
}

/** Applies each user's inputs, in order, for any number of users. */
export async function applyLedgerBatch(
  db: PrismaClient,
  batch: ReadonlyMap<bigint, LedgerInput[]>,
  rules: PointsRules,
): Promise<BatchResult> {
  const total: BatchResult = { written: 0, refused: [], unknownUsers: [] };
  for (const part of splitBatch(batch)) {
    const result = await inTransaction(db, (tx) => applyInTransaction(tx, part, rules));
    total.written += result.written;
    total.refused.push(...result.refused);
    for (const u of result.unknownUsers) if (!total.unknownUsers.includes(u)) total.unknownUsers.push(u);
  }
  return total;
}

/** One user's inputs; see applyLedgerBatch. */
export async function applyLedgerInputs(
  db: PrismaClient,
  userId: bigint,
  inputs: LedgerInput[],
  rules: PointsRules,
): Promise<{ written: number; refused: LedgerPlan['refused']; unknownUser: boolean }> {
  const result = await applyLedgerBatch(db, new Map([[userId, inputs]]), rules);
  return {
    written: result.written,
    refused: result.refused.map(({ userId: _userId, ...r }) => r),
    unknownUser: result.unknownUsers.length > 0,
  };
}

async function applyInTransaction(
  tx: Tx,
  batch: ReadonlyMap<bigint, LedgerInput[]>,
  rules: PointsRules,
): Promise<BatchResult> {
  const userIds = [...batch.keys()].sort(ascending);
  const accounts = await lockAccounts(tx, userIds);
  const missing = userIds.filter((u) => !accounts.has(u));
  if (missing.length > 0) {
    // No foreign key across a sharded database (docs/decisions/0021): an account is opened only
    // for a user that exists (same shard as the account: both are placed by the user id). The
    // user row's lock keeps a concurrent delete out until the account is written.
    const users = await tx.$queryRaw<Array<{ id: bigint }>>`
      SELECT id FROM \`User\` WHERE id IN (${Prisma.join(missing)}) LOCK IN SHARE MODE`;
    const existingUsers = users.map((u) => u.id);
    if (existingUsers.length > 0) {
      await tx.$executeRaw`INSERT IGNORE INTO PointsAccount (userId, updatedAt)
        VALUES ${Prisma.join(existingUsers.map((u) => Prisma.sql`(${u}, UTC_TIMESTAMP(3))`))}`;
      for (const [u, account] of await lockAccounts(tx, existingUsers)) accounts.set(u, account);
    }
  }
  const known = userIds.filter((u) => accounts.has(u));
  const result: BatchResult = {
    written: 0,
    refused: [],
    unknownUsers: userIds.filter((u) => !accounts.has(u)),
  };
  if (known.length === 0) return result;

  const existing = await existingKeys(
    tx,
    known.flatMap((u) => keysToCheck(batch.get(u)!, rules).map((key) => [u, key] as const)),
  );
  const dayAwards = await awardedDays(
    tx,
    known.flatMap((u) => checkinDays(batch.get(u)!).map((day) => [u, day] as const)),
  );

  const entries: Prisma.Sql[] = [];
  const days: Prisma.Sql[] = [];
  const changed: Prisma.Sql[] = [];
  for (const userId of known) {
    const plan = planLedger(
      accounts.get(userId)!,
      batch.get(userId)!,
      rules,
      existing.get(userId) ?? new Set(),
      dayAwards.get(userId) ?? new Map(),
    );
    result.refused.push(...plan.refused.map((r) => ({ userId, ...r })));
    if (plan.entries.length === 0) continue;
    for (const e of plan.entries) {
      entries.push(
        Prisma.sql`(${nextId()}, ${userId}, ${e.delta}, ${e.kind}, ${e.reason}, ${e.idempotencyKey}, ${e.balanceAfter}, UTC_TIMESTAMP(3))`,
      );
    }
    for (const [day, awarded] of plan.days) days.push(Prisma.sql`(${userId}, ${day}, ${awarded})`);
    const { balance, lifetimeEarned, streak } = plan.account;
    changed.push(
      Prisma.sql`(${userId}, ${balance}, ${lifetimeEarned}, ${streak.current}, ${streak.longest}, ${streak.lastDay}, UTC_TIMESTAMP(3))`,
    );
  }
  result.written = entries.length;

  for (const rows of inGroups(entries)) {
    await tx.$executeRaw`
      INSERT INTO PointsEntry (id, userId, delta, kind, reason, idempotencyKey, balanceAfter, createdAt)
      VALUES ${Prisma.join(rows)}`;
  }
  for (const rows of inGroups(days)) {
    await tx.$executeRaw`
      INSERT INTO CheckinDay (userId, day, awarded) VALUES ${Prisma.join(rows)}
      ON DUPLICATE KEY UPDATE awarded = VALUES(awarded)`;
  }
  // Every row exists and is locked: this is one multi-row UPDATE.
  for (const rows of inGroups(changed)) {
    await tx.$executeRaw`
      INSERT INTO PointsAccount (userId, balance, lifetimeEarned, streakCurrent, streakLongest, streakLastDay, updatedAt)
      VALUES ${Prisma.join(rows)}
      ON DUPLICATE KEY UPDATE balance = VALUES(balance), lifetimeEarned = VALUES(lifetimeEarned),
        streakCurrent = VALUES(streakCurrent), streakLongest = VALUES(streakLongest),
        streakLastDay = VALUES(streakLastDay), updatedAt = VALUES(updatedAt)`;
  }
  return result;
}

function* inGroups<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) yield rows.slice(i, i + ROWS_PER_STATEMENT);
}

/** Locks the existing account rows of these users (ascending ids) and reads them. */
async function lockAccounts(tx: Tx, userIds: bigint[]): Promise<Map<bigint, AccountState>> {
  const rows = await tx.$queryRaw<AccountRow[]>`
    SELECT userId, balance, lifetimeEarned, streakCurrent, streakLongest,
           DATE_FORMAT(streakLastDay, '%Y-%m-%d') AS streakLastDay
    FROM PointsAccount WHERE userId IN (${Prisma.join(userIds)}) ORDER BY userId FOR UPDATE`;
  return new Map(
    rows.map((row) => [
      BigInt(row.userId),
      {
        balance: Number(row.balance),
        lifetimeEarned: Number(row.lifetimeEarned),
        streak: {
          current: Number(row.streakCurrent),
          longest: Number(row.streakLongest),
          lastDay: row.streakLastDay,
        },
      },
    ]),
  );
}

async function existingKeys(tx: Tx, pairs: ReadonlyArray<readonly [bigint, string]>) {
  const found = new Map<bigint, Set<string>>();
  for (const group of inGroups([...pairs])) {
    const rows = await tx.$queryRaw<Array<{ userId: bigint; idempotencyKey: string }>>`
      SELECT userId, idempotencyKey FROM PointsEntry
      WHERE (userId, idempotencyKey) IN (${Prisma.join(group.map(([u, k]) => Prisma.sql`(${u}, ${k})`))})`;
    for (const row of rows) {
      const userId = BigInt(row.userId);
      found.set(userId, (found.get(userId) ?? new Set()).add(row.idempotencyKey));
    }
  }
  return found;
}

async function awardedDays(tx: Tx, pairs: ReadonlyArray<readonly [bigint, string]>) {
  const found = new Map<bigint, Map<string, number>>();
  for (const group of inGroups([...pairs])) {
    const rows = await tx.$queryRaw<Array<{ userId: bigint; day: string; awarded: number }>>`
      SELECT userId, DATE_FORMAT(day, '%Y-%m-%d') AS day, awarded FROM CheckinDay
      WHERE (userId, day) IN (${Prisma.join(group.map(([u, d]) => Prisma.sql`(${u}, ${d})`))})`;
    for (const row of rows) {
      const userId = BigInt(row.userId);
      found.set(userId, (found.get(userId) ?? new Map()).set(row.day, Number(row.awarded)));
    }
  }
  return found;
}

export interface PointsSummary {
  balance: number;
  lifetimeEarned: number;
  streak: AccountState['streak'];
}

type StoredAccount = Prisma.PointsAccountGetPayload<object>;

function summaryOf(account: StoredAccount | null): PointsSummary {
  return {
    balance: account?.balance ?? 0,
    lifetimeEarned: account?.lifetimeEarned ?? 0,
    streak: {
      current: account?.streakCurrent ?? 0,
      longest: account?.streakLongest ?? 0,
      lastDay: account?.streakLastDay ? account.streakLastDay.toISOString().slice(0, 10) : null,
    },
  };
}

export async function pointsSummary(db: PrismaClient, userId: bigint): Promise<PointsSummary> {
  return summaryOf(await db.pointsAccount.findUnique({ where: { userId } }));
}

/** pointsSummary of many users in one query, in the order of `userIds` (DataLoader batch). */
export async function pointsSummaries(
  db: PrismaClient,
  userIds: readonly bigint[],
): Promise<PointsSummary[]> {
  const accounts = await db.pointsAccount.findMany({ where: { userId: { in: [...userIds] } } });
  const byUser = new Map(accounts.map((a) => [a.userId, a]));
  return userIds.map((id) => summaryOf(byUser.get(id) ?? null));
}

export interface PointsEntryRow {
  id: bigint;
  delta: number;
  kind: PointsKind;
  reason: string;
  balanceAfter: number;
  createdAt: Date;
}

export interface HistoryPage {
  rows: PointsEntryRow[];
  hasNextPage: boolean;
}

/**
 * Newest first, keyset-paginated on the (userId, id) index: the page of each user in `userIds`
 * (a list of users asking for the same page size and cursor) in one query.
 */
export async function pointsHistories(
  db: PrismaClient,
  userIds: readonly bigint[],
  { first, beforeId }: { first: number; beforeId: bigint | null },
): Promise<HistoryPage[]> {
  if (userIds.length === 0) return [];
  // One page query per user, all in one statement: each part names one user, so it goes to that
  // user's shard only (a window function over the sharded table is not pushed down correctly).
  const pages = userIds.map(
    (userId) => Prisma.sql`(SELECT id, userId, delta, kind, reason, balanceAfter, createdAt FROM PointsEntry
      WHERE userId = ${userId} ${beforeId ? Prisma.sql`AND id < ${beforeId}` : Prisma.empty}
      ORDER BY id DESC LIMIT ${first + 1})`,
  );
  const rows = await db.$queryRaw<
    Array<PointsEntryRow & { userId: bigint }>
  >`${Prisma.join(pages, ' UNION ALL ')}`;
  const byUser = new Map<string, PointsEntryRow[]>();
  for (const { userId, ...row } of rows) {
    const list = byUser.get(String(userId)) ?? [];
    list.push({ ...row, id: BigInt(row.id), kind: row.kind as PointsKind });
    byUser.set(String(userId), list);
  }
  return userIds.map((id) => {
    const list = byUser.get(id.toString()) ?? [];
    return { rows: list.slice(0, first), hasNextPage: list.length > first };
  });
}
