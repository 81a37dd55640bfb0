// Development console accounts: an operator of two venues and an admin, with known passwords so a
// developer can log in at once. Never in production (the seed refuses there). Idempotent.
import type { PrismaClient } from '../../subgraphs/user/src/generated/prisma/client.ts';
import { lookupUserId } from '../../subgraphs/user/src/identity-lookup.ts';
import { createAdmin, createOperator, grantVenues } from '../../subgraphs/user/src/operators.ts';

export const DEMO_OPERATOR = {
  username: 'demo-operator',
  password: 'demo-operator-2026',
  nickname: '演示运营员',
};
export const DEMO_ADMIN = { username: 'demo-admin', password: 'demo-admin-2026' };

export interface ConsoleAccounts {
  operatorId: bigint;
  adminId: bigint;
}

export async function seedConsoleAccounts(
  db: PrismaClient,
  venueIds: bigint[],
  scryptLogN: number,
): Promise<ConsoleAccounts> {
  const policy = { scryptLogN, maxFailures: 5, lockoutMinutes: 15 };
  const existing = async (username: string) => lookupUserId(db, 'username', username);

  const adminId = (await existing(DEMO_ADMIN.username)) ?? (await createAdmin(db, DEMO_ADMIN, policy)).id;
  let operatorId = await existing(DEMO_OPERATOR.username);
  if (operatorId === null) {
    operatorId = (
      await createOperator(db, { ...DEMO_OPERATOR, venueIds: venueIds.map(String) }, adminId, policy)
    ).id;
  } else {
    await grantVenues(db, operatorId, venueIds, adminId);
  }
  return { operatorId, adminId };
}
