// Group commit of presence writes (docs/decisions/0026). Session rows and their outbox events are
// written per MySQL shard by one transaction at a time: while a shard's transaction is in flight,
// new writes queue; when it ends, everything queued (up to `maxRows`) goes into the next one, as
// one multi-row upsert per table. No wait is added: a write that finds its shard idle starts at the
// end of the current event-loop turn. A transaction never spans two shards (docs/decisions/0021),
// so it stays atomic behind the Spider front. Every statement is an idempotent upsert keyed by
// session id and event id (docs/decisions/0006): a request and the journal sweeper may write the
// same change, in either order, in the same batch or not.
import {
  mariadbPool,
  withTransactionConnection,
  nextId,
  retryOnLockConflict,
  shardOfVenueId,
  VENUE_BUCKETS,
  venueBucket,
} from '@sport-venue/shared';
import { checkedInEvent, checkedOutEvent } from './checkin-events.ts';
import type { PresenceChange, SessionFacts } from './presence-store.ts';

/** One session row and its event. */
interface Write {
  session: SessionFacts;
  eventId: string;
  payload: string;
  traceparent: string | null;
}

/** Writes that must commit together (one change's writes on one shard), and who waits for them. */
interface Job {
  writes: Write[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** What the writer did so far (tests and benchmarks read it; never reset). */
export interface PresenceWriterStats {
  /** Transactions committed. */
  transactions: number;
  /** Transactions that failed (every write of theirs failed with them). */
  failedTransactions: number;
  /** Session rows committed (each with its event). */
  rows: number;
  /** The last 100 committed transactions, oldest first: their lane and the venue of each row. */
  recent: Array<{ lane: string; venueIds: string[] }>;
}

export interface PresenceWriterOptions {
  /** The venue database (the Spider front when sharded); the writer keeps a small pool of its own. */
  databaseUrl: string;
  /** Connections of that pool: one transaction per shard is in flight at a time. */
  connections?: number;
  topic: string;
  /** Shards behind the front, or null while unknown (then writes are grouped per venue bucket). */
  shards: () => number | null;
  /** Session rows per transaction at most (bounds statement size and lock time). */
  maxRows?: number;
  /** Told of every transaction: committed or failed, with its session rows (for metrics). */
  onTransaction?: (outcome: 'committed' | 'failed', rows: number) => void;
}

const at = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

export class PresenceWriter {
  readonly stats: PresenceWriterStats = { transactions: 0, failedTransactions: 0, rows: 0, recent: [] };
  readonly #pool: ReturnType<typeof mariadbPool>;
  readonly #topic: string;
  readonly #shards: () => number | null;
  readonly #maxRows: number;
  readonly #onTransaction: NonNullable<PresenceWriterOptions['onTransaction']>;
  readonly #lanes = new Map<string, { queue: Job[]; busy: boolean }>();

  constructor(options: PresenceWriterOptions) {
    // One request carries the whole transaction (multipleStatements); only this code's fixed
    // statements with driver-escaped values are ever sent on these connections.
    this.#pool = mariadbPool(options.databaseUrl, {
      connectionLimit: options.connections ?? 8,
      minimumIdle: 2,
      multipleStatements: true,
    });
    this.#topic = options.topic;
    this.#shards = options.shards;
    this.#maxRows = options.maxRows ?? 200;
    this.#onTransaction = options.onTransaction ?? (() => undefined);
  }

  /**
   * Makes a change durable; resolves once its rows are committed, rejects if the transaction that
   * carried them failed (nothing of it was written then). The closed session's check-out is
   * committed before (or with) the superseding check-in, so its event comes first in the outbox.
   */
  async persist(change: PresenceChange, traceparent?: string): Promise<void> {
    const writes: Write[] = [];
    if (change.closed) writes.push(this.#write(change.closed, true, traceparent));
    if (change.opened) writes.push(this.#write(change.opened, false, traceparent));
    const lanes = writes.map((w) => this.laneOf(w.session.venueId));
    if (writes.length === 2 && lanes[0] === lanes[1]) return this.#submit(lanes[0]!, writes);
    for (const [i, write] of writes.entries()) await this.#submit(lanes[i]!, [write]);
  }

  /**
   * The group a venue's rows are committed with: its shard (shards.ts, from the front's partition
   * count), or its hash bucket while the count is unknown — a bucket never spans two shards.
   */
  laneOf(venueId: string): string {
    const id = BigInt(venueId);
    const shards = this.#shards();
    return shards === null
      ? `bucket${venueBucket(id)}/${VENUE_BUCKETS}`
      : `shard${shardOfVenueId(id, shards)}`;
  }

  #write(session: SessionFacts, closed: boolean, traceparent: string | undefined): Write {
    const event = closed ? checkedOutEvent(session) : checkedInEvent(session);
    return { session, eventId: event.id, payload: JSON.stringify(event), traceparent: traceparent ?? null };
  }

  #submit(laneKey: string, writes: Write[]): Promise<void> {
    let lane = this.#lanes.get(laneKey);
    if (!lane) {
      lane = { queue: [], busy: false };
      this.#lanes.set(laneKey, lane);
    }
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    lane.queue.push({ writes, resolve, reject });
    if (!lane.busy) {
      lane.busy = true;
      // Writes submitted in this same turn join the first transaction.
      setImmediate(() => void this.#drain(laneKey, lane));
    }
    return promise;
  }

  async #drain(laneKey: string, lane: { queue: Job[]; busy: boolean }): Promise<void> {
    while (lane.queue.length > 0) {
      const jobs: Job[] = [];
      let rows = 0;
      // A job's writes are never split; the first job goes in whatever its size.
      while (
        lane.queue.length > 0 &&
        (jobs.length === 0 || rows + lane.queue[0]!.writes.length <= this.#maxRows)
      ) {
        const job = lane.queue.shift()!;
        jobs.push(job);
        rows += job.writes.length;
      }
      try {
        await retryOnLockConflict(() => this.#commit(jobs.flatMap((j) => j.writes)));
        this.stats.transactions += 1;
        this.stats.rows += rows;
        this.stats.recent.push({
          lane: laneKey,
          venueIds: jobs.flatMap((j) => j.writes.map((w) => w.session.venueId)),
        });
        if (this.stats.recent.length > 100) this.stats.recent.shift();
        this.#onTransaction('committed', rows);
        for (const job of jobs) job.resolve();
      } catch (err) {
        this.stats.failedTransactions += 1;
        this.#onTransaction('failed', rows);
        for (const job of jobs) job.reject(err);
      }
    }
    lane.busy = false;
    this.#lanes.delete(laneKey);
  }

  /**
   * One transaction in one round trip: BEGIN, every session row, every event (each table in one
   * statement), COMMIT, sent as a single multi-statement request. MariaDB stops at the first
   * failing statement, so COMMIT only runs after both inserts succeeded; on failure the open
   * transaction is rolled back (or the connection dropped, which rolls it back too).
   */
  async #commit(writes: Write[]): Promise<void> {
    // Rows in primary-key order, so concurrent writers (other replicas) lock them in one order.
    const sessions = writes
      .map((w) => w.session)
      .sort(
        (a, b) =>
          compareBig(a.venueId, b.venueId) ||
          (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0),
      );
    const values: unknown[] = [];
    for (const s of sessions)
      values.push(
        BigInt(s.venueId),
        s.sessionId,
        BigInt(s.userId),
        s.cityCode,
        s.source,
        s.counted,
        new Date(s.startedAt),
        new Date(s.expiresAt),
        at(s.endedAt),
        s.minutes ?? null,
        s.reason ?? null,
      );
    for (const w of writes)
      values.push(
        nextId(),
        w.eventId,
        BigInt(w.session.venueId),
        this.#topic,
        w.session.userId,
        w.payload,
        w.traceparent,
      );
    const sql =
      'START TRANSACTION;' +
      'INSERT INTO CheckIn (venueId, id, userId, cityCode, source, counted, startedAt, expiresAt, endedAt, minutes, endReason) VALUES ' +
      rowsOf(sessions.length, 11) +
      ' ON DUPLICATE KEY UPDATE endedAt = COALESCE(VALUES(endedAt), endedAt),' +
      ' minutes = COALESCE(VALUES(minutes), minutes), endReason = COALESCE(VALUES(endReason), endReason);' +
      // INSERT IGNORE, not ON DUPLICATE KEY UPDATE: behind Spider (without
      // spider_direct_dup_insert) a multi-row ON DUPLICATE KEY UPDATE meeting an existing event id
      // (a unique key other than the primary one) fails with 1136 "Column count doesn't match",
      // so a replayed change would never be written. Every value here is generated by this code
      // and fits its column, so IGNORE only ever skips duplicates.
      'INSERT IGNORE INTO OutboxEvent (seq, id, venueId, topic, msgKey, payload, traceparent) VALUES ' +
      rowsOf(writes.length, 7) +
      ';COMMIT';
    await withTransactionConnection(this.#pool, (conn) => conn.query(sql, values));
  }

  /** Ends the writer's connections (after the last write). */
  close(): Promise<void> {
    return this.#pool.end();
  }
}

const rowCache = new Map<string, string>();
/** `(?,?,…),(?,?,…)…`: `rows` groups of `columns` placeholders. */
function rowsOf(rows: number, columns: number): string {
  const key = `${rows}x${columns}`;
  let text = rowCache.get(key);
  if (!text) {
    const row = `(${Array.from({ length: columns }, () => '?').join(',')})`;
    text = Array.from({ length: rows }, () => row).join(',');
    if (rowCache.size < 1_000) rowCache.set(key, text);
  }
  return text;
}

function compareBig(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
