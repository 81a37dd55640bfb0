// Retrying a transaction that lost a lock conflict. InnoDB rolls a deadlock victim (or, with
// innodb_rollback_on_timeout, a lock-wait timeout) back entirely, so running it again is safe.
// Duck-typed on the error's code and message: no dependency on any generated Prisma client.

/** Deadlocks and lock-wait timeouts are transient: the transaction rolled back and can run again. */
export function isLockConflict(err: unknown): boolean {
  const text = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : '';
  return /P2034|Deadlock found|Lock wait timeout|\b1213\b|\b1205\b/i.test(text);
}

/**
 * Runs `fn` (which must run one whole transaction) again when it failed on a lock conflict, up to
 * `attempts` times in all, with a short randomised backoff between tries. Other errors pass through.
 */
export async function retryOnLockConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isLockConflict(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 30));
    }
  }
}

/**
 * The database is too busy to take the work now: Prisma gave up waiting for a connection to start
 * a transaction, or the transaction outlived its timeout while queued (both P2028; P2024 is the
 * same for Prisma's own pool), or the driver's pool could not hand out or open a connection in
 * time (mariadb 45028 "pool timeout", 45012 "Connection timeout"). Nothing was committed, and the
 * same request can succeed a moment later.
 */
export function isDatabaseBusy(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const text = `${(err as { code?: string }).code ?? ''} ${err.message}`;
  return /\bP2028\b|\bP2024\b|Unable to start a transaction in the given time|Transaction already closed|pool timeout|retrieve a connection from pool|failed to create socket|\b45028\b|\b45012\b/i.test(
    text,
  );
}

/**
 * A shard behind the Spider front is down or does not answer (docs/decisions/0021): Spider's
 * 12701 "remote server has gone away", 1429 "unable to connect to foreign data source", 1430
 * "error on the foreign data source", 1159/1161 and 12719/12720 timeouts reading from or writing
 * to the shard, and what Spider relays from its client library when the shard's socket breaks
 * mid-query: 1158/1160 errors reading or writing communication packets, "lost connection
 * to server during query". The front gives up within its shard timeout; rows of the other shards
 * keep being served.
 */
export function isShardUnavailable(err: unknown): boolean {
  // Walks wrappers: a GraphQL error's originalError, a driver error's cause.
  const inner = (e: unknown) =>
    (e as { originalError?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = inner(e), depth++) {
    if (typeof e !== 'object') return false;
    const text = `${(e as { code?: unknown }).code ?? ''} ${(e as { errno?: unknown }).errno ?? ''} ${(e as { message?: unknown }).message ?? ''}`;
    if (
      /\b(12701|1429|1430|1158|1159|1160|1161|12719|12720)\b|foreign data source|server has gone away|Lost connection to (MySQL )?server|error (reading|writing) communication packets/i.test(
        text,
      )
    )
      return true;
  }
  return false;
}
