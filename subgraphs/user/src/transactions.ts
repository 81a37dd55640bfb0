// Interactive transactions as the user subgraph runs them: READ COMMITTED (no gap locks, so
// writers of different rows do not block each other) and a retry when InnoDB picks the
// transaction as a deadlock victim, which rolls it back entirely and so is safe to run again.
import { retryOnLockConflict } from '@sport-venue/shared';
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';

export async function inTransaction<T>(
  db: PrismaClient,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryOnLockConflict(
    () =>
      db.$transaction(fn, {
        isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
        maxWait: 10_000,
        timeout: 20_000,
      }),
    attempts,
  );
}
