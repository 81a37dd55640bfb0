// The ledger adapter on a real MariaDB, without Kafka: what it writes, and what it refuses.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@sport-venue/shared/testing';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { applyLedgerInputs } from '../src/points-ledger.ts';
import type { LedgerInput } from '../src/points-rules.ts';
import { createUserDb } from '../src/user-store.ts';
import { ensureWeChatUser } from '../src/user-store.ts';

const rules = { perCheckin: 10, dailyCap: 3, streakBonuses: [{ days: 2, points: 5 }] };
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 4));
const checkin = (day: number, eventId = randomUUID()): LedgerInput => ({
  type: 'CHECKIN',
  eventId,
  at: at(day),
});

describe('points ledger (MariaDB)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: PrismaClient;

  before(async () => {
    database = await createTestDatabase('user');
    db = createUserDb(database.url);
  });
  after(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  const newUser = async () => (await ensureWeChatUser(db, { openid: `o-${randomUUID()}` })).id;

  it('writes nothing for a user that does not exist', async () => {
    const result = await applyLedgerInputs(db, 987654321n, [checkin(1)], rules);
    assert.deepEqual(result, { written: 0, refused: [], unknownUser: true });
    assert.equal(await db.pointsAccount.count({ where: { userId: 987654321n } }), 0);
  });

  it('applying the same inputs again changes nothing', async () => {
    const user = await newUser();
    const inputs = [checkin(1), checkin(2), checkin(2)];
    assert.equal((await applyLedgerInputs(db, user, inputs, rules)).written, 4); // 3 check-ins + streak bonus
    assert.equal((await applyLedgerInputs(db, user, inputs, rules)).written, 0);
    const account = await db.pointsAccount.findUniqueOrThrow({ where: { userId: user } });
    assert.deepEqual(
      [account.balance, account.streakCurrent, account.streakLastDay?.toISOString()],
      [35, 2, '2026-11-02T00:00:00.000Z'],
    );
  });

  it('concurrent writers for one user respect the daily cap and keep sum(delta) == balance', async () => {
    const user = await newUser();
    // 20 callers at once, each with 5 check-ins on the same two days: 3 + 3 awards, 1 streak bonus.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        applyLedgerInputs(
          db,
          user,
          [1, 2, 1, 2, 1].map((d) => checkin(d)),
          rules,
        ),
      ),
    );
    const entries = await db.pointsEntry.findMany({ where: { userId: user }, orderBy: { id: 'asc' } });
    assert.equal(entries.length, 7);
    let running = 0;
    for (const e of entries) assert.equal(e.balanceAfter, (running += e.delta));
    const account = await db.pointsAccount.findUniqueOrThrow({ where: { userId: user } });
    assert.equal(account.balance, running);
    assert.equal(account.balance, 65);
  });

  it('refuses an overdrawing SPEND and writes nothing for it', async () => {
    const user = await newUser();
    const spend: LedgerInput = {
      type: 'COMMAND',
      kind: 'SPEND',
      delta: -50,
      reason: 'REDEEM',
      idempotencyKey: 'r:1',
    };
    const result = await applyLedgerInputs(db, user, [checkin(1), spend], rules);
    assert.deepEqual(result.refused, [{ idempotencyKey: 'r:1', reason: 'insufficient balance' }]);
    assert.equal(await db.pointsEntry.count({ where: { userId: user } }), 1);
  });
});
