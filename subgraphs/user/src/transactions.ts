// Interactive transactions as the user subgraph runs them: READ COMMITTED (no gap locks, so
// writers of different rows do not block each other) and a retry when InnoDB picks the
// transaction as a deadlock victim, which rolls it back entirely and so is safe to run again.
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';

/** Deadlocks and lock-wait timeouts are transient: the transaction rolled back and can run again. */
export function isLockConflict(err: unknown): boolean {
  const text = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : '';
  return /P2034|Deadlock found|Lock wait timeout|\b1213\b|\b1205\b/i.test(text);
}

export async function inTransaction<T>(
  db: PrismaClient,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(fn, {
        isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
        maxWait: 10_000,
        timeout: 20_000,
      });
    } catch (err) {
      if (attempt >= attempts || !isLockConflict(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 30));
    }
  }
}
