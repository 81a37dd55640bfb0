import { mariadbAdapter } from '@sport-venue/shared';
import { PrismaClient, type User } from './generated/prisma/client.ts';

export type UserRow = User;

export function createUserDb(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: mariadbAdapter(databaseUrl) });
}

/** Ids are BigInt in MySQL and strings in GraphQL; anything else is simply not a user. */
export function parseUserId(id: string): bigint | null {
  return /^[1-9]\d{0,18}$/.test(id) ? BigInt(id) : null;
}

export async function findUser(db: PrismaClient, id: string): Promise<UserRow | null> {
  const key = parseUserId(id);
  return key === null ? null : db.user.findUnique({ where: { id: key } });
}
