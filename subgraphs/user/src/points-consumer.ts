// Applies `checkin.events` and `points.commands` to the points ledger. At-least-once delivery,
// exactly-once effect: each chunk of a batch is written to MariaDB first (one idempotent
// transaction), and only then is its offset committed. A crash between the two redelivers
// the chunk, which the ledger's idempotency keys turn into a no-op.
//
// Also runnable on its own (`node subgraphs/user/src/points-consumer.ts`) to scale or restart the
// consumer apart from the GraphQL server; it reads the points settings of the user subgraph and
// needs none of its secrets.
import {
  checkinEventV1,
  Counter,
  createConsumerLoop,
  createKafka,
  Histogram,
  createLogger,
  gracefulShutdown,
  loadConfig,
  maybeWithLogContext,
  messageLogContext,
  pointsCommandV1,
  type Logger,
  type Registry,
} from '@sport-venue/shared';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { pointsConsumerConfigSchema, type PointsConsumerConfig } from './config.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { applyLedgerBatch } from './points-ledger.ts';
import type { LedgerInput, PointsRules } from './points-rules.ts';
import { createUserDb, parseUserId } from './user-store.ts';

export interface LedgerTopics {
  checkinEvents: string;
  pointsCommands: string;
}

export type Decoded =
  | { kind: 'input'; userId: bigint; input: LedgerInput }
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string };

/** One Kafka record → what the ledger must do with it. */
export function decodeLedgerMessage(topics: LedgerTopics, topic: string, value: Buffer | null): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (topic === topics.checkinEvents) {
    const parsed = checkinEventV1.safeParse(json);
    if (!parsed.success) return { kind: 'invalid', reason: parsed.error.issues[0]?.message ?? 'invalid' };
    const event = parsed.data;
    // Only counted check-ins earn points; check-outs carry minutes, which feed stats, not points.
    if (event.type !== 'CHECKED_IN' || !event.counted) return { kind: 'ignored' };
    const userId = parseUserId(event.userId);
    if (userId === null) return { kind: 'invalid', reason: 'userId is not a user id' };
    return { kind: 'input', userId, input: { type: 'CHECKIN', eventId: event.id, at: new Date(event.at) } };
  }
  if (topic === topics.pointsCommands) {
    const parsed = pointsCommandV1.safeParse(json);
    if (!parsed.success) return { kind: 'invalid', reason: parsed.error.issues[0]?.message ?? 'invalid' };
    const command = parsed.data;
    const userId = parseUserId(command.userId);
    if (userId === null) return { kind: 'invalid', reason: 'userId is not a user id' };
    return {
      kind: 'input',
      userId,
      input: {
        type: 'COMMAND',
        kind: command.kind,
        delta: command.delta,
        reason: command.reason,
        idempotencyKey: command.idempotencyKey,
      },
    };
  }
  return { kind: 'ignored' };
}

/** Groups inputs by user, keeping each user's inputs in partition order. */
export function groupByUser(decoded: Decoded[]): Map<bigint, LedgerInput[]> {
  const groups = new Map<bigint, LedgerInput[]>();
  for (const d of decoded) {
    if (d.kind !== 'input') continue;
    const list = groups.get(d.userId);
    if (list) list.push(d.input);
    else groups.set(d.userId, [d.input]);
  }
  return groups;
}

export interface PointsConsumerOptions {
  kafka: Kafka;
  db: PrismaClient;
  rules: PointsRules;
  topics: LedgerTopics;
  groupId: string;
  logger: Logger;
  sessionTimeoutMs?: number;
  /** Messages per ledger transaction (offsets are committed once per fetched batch). */
  chunkSize?: number;
  /** Partitions processed at once (one transaction each at a time). */
  partitionsConcurrently?: number;
  /** Where the pipeline's counters and event ages are registered (the process's /metrics). */
  metrics?: Registry;
}

export interface PointsConsumerStats {
  messages: number;
  entriesWritten: number;
  invalid: number;
  refused: number;
  unknownUsers: number;
}

export function createPointsConsumer(opts: PointsConsumerOptions) {
  const chunkSize = opts.chunkSize ?? 500;
  const sessionTimeout = opts.sessionTimeoutMs ?? 30_000;
  const stats: PointsConsumerStats = {
    messages: 0,
    entriesWritten: 0,
    invalid: 0,
    refused: 0,
    unknownUsers: 0,
  };
  const log = opts.logger;
  const registers = opts.metrics ? [opts.metrics] : [];
  const handled = new Counter({
    name: 'points_ledger_messages_total',
    help: 'Ledger input messages handled, by outcome (applied, invalid)',
    labelNames: ['outcome'],
    registers,
  });
  const written = new Counter({
    name: 'points_ledger_entries_written_total',
    help: 'Points ledger entries written',
    registers,
  });
  // Kafka timestamps are the producer's clock: from the outbox relay's send to the ledger commit.
  const age = new Histogram({
    name: 'points_event_age_seconds',
    help: 'Time from a message reaching Kafka to its points being committed',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers,
  });
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));

  async function applyChunk(topic: string, partition: number, messages: KafkaMessage[]) {
    const decoded = messages.map((m) => {
      const d = decodeLedgerMessage(opts.topics, topic, m.value);
      if (d.kind === 'invalid') {
        stats.invalid++;
        // A malformed record can never succeed; skipping it keeps the partition moving.
        maybeWithLogContext(messageLogContext(m.headers), () =>
          log.warn(
            { topic, partition, offset: m.offset, reason: d.reason },
            'skipping invalid ledger message',
          ),
        );
      }
      return d;
    });
    const result = await applyLedgerBatch(opts.db, groupByUser(decoded), opts.rules);
    stats.entriesWritten += result.written;
    for (const userId of result.unknownUsers) {
      stats.unknownUsers++;
      log.warn({ topic, partition, userId: userId.toString() }, 'ledger input for an unknown user skipped');
    }
    for (const { userId, ...refused } of result.refused) {
      stats.refused++;
      log.warn({ userId: userId.toString(), ...refused }, 'points command refused');
    }
    stats.messages += messages.length;
    const invalid = decoded.filter((d) => d.kind === 'invalid').length;
    handled.inc({ outcome: 'applied' }, messages.length - invalid);
    if (invalid) handled.inc({ outcome: 'invalid' }, invalid);
    written.inc(result.written);
    const now = Date.now();
    for (const m of messages) age.observe(Math.max(0, (now - Number(m.timestamp)) / 1000));
    // One line per applied message, in the trace of the request that caused it (debug level: a
    // busy consumer applies thousands a second).
    if (log.isLevelEnabled('debug'))
      for (const m of messages)
        maybeWithLogContext(messageLogContext(m.headers), () =>
          log.debug({ topic, partition, offset: m.offset }, 'ledger message applied'),
        );
  }

  async function eachBatch({
    batch,
    resolveOffset,
    commitOffsetsIfNecessary,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload) {
    let done: string | null = null;
    try {
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!isRunning() || isStale()) break;
        const chunk = batch.messages.slice(i, i + chunkSize);
        await applyChunk(batch.topic, batch.partition, chunk);
        done = chunk[chunk.length - 1]!.offset;
        resolveOffset(done);
        await heartbeat();
      }
    } finally {
      // Offsets move only past chunks whose effects MariaDB has committed; one commit per batch.
      // If this commit is lost, the batch comes again and the ledger ignores what it already has.
      if (done !== null) {
        const offset = (BigInt(done) + 1n).toString();
        await commitOffsetsIfNecessary({
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
        });
      }
    }
  }

  const loop = createConsumerLoop({
    kafka: opts.kafka,
    name: 'points consumer',
    groupId: opts.groupId,
    topics: [opts.topics.checkinEvents, opts.topics.pointsCommands],
    logger: log,
    sessionTimeoutMs: sessionTimeout,
    maxWaitTimeInMs: 1_000,
    consumerConfig: { allowAutoTopicCreation: true },
    onConsumer(c) {
      c.on(c.events.GROUP_JOIN, () => markJoined());
      c.on(c.events.CRASH, ({ payload }) =>
        log.error({ err: payload.error, restart: payload.restart }, 'points consumer crashed'),
      );
    },
    run: {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 2,
      eachBatch,
    },
  });

  return {
    stats,
    /** Connects, joins the group and starts consuming; throws if Kafka cannot be reached. */
    start: loop.start,
    /** Keeps starting while Kafka is unreachable (backoff 1 s doubling to 30 s). */
    startInBackground: loop.startInBackground,
    /** Leaves the group (committed offsets stay) and closes its connections; also interrupts a start. */
    stop: loop.stop,
    /** Resolves once the consumer first joined its group (tests, benchmarks). */
    joined,
  };
}

export type PointsConsumer = ReturnType<typeof createPointsConsumer>;

export function pointsRulesFrom(config: PointsConsumerConfig): PointsRules {
  return {
    perCheckin: config.POINTS_PER_CHECKIN,
    dailyCap: config.POINTS_DAILY_CHECKIN_CAP,
    streakBonuses: config.POINTS_STREAK_BONUSES,
  };
}

export function pointsConsumerFrom(
  config: PointsConsumerConfig,
  db: PrismaClient,
  logger: Logger,
  metrics?: Registry,
) {
  return createPointsConsumer({
    // Few retries per attempt: the caller keeps retrying with its own backoff.
    kafka: createKafka(config.KAFKA_BROKERS, 'user-points', logger, {
      retry: { initialRetryTime: 250, retries: 3 },
    }),
    db,
    rules: pointsRulesFrom(config),
    topics: { checkinEvents: config.CHECKIN_EVENTS_TOPIC, pointsCommands: config.POINTS_COMMANDS_TOPIC },
    groupId: config.POINTS_CONSUMER_GROUP,
    logger,
    sessionTimeoutMs: config.POINTS_CONSUMER_SESSION_TIMEOUT_MS,
    chunkSize: config.POINTS_CONSUMER_CHUNK_SIZE,
    metrics,
  });
}

if (import.meta.main) {
  const config = loadConfig(pointsConsumerConfigSchema);
  const logger = createLogger('user-points', config.LOG_LEVEL);
  const db = createUserDb(config.USER_DATABASE_URL, 8);
  const consumer = pointsConsumerFrom(config, db, logger);
  const shutdown = gracefulShutdown(logger);
  shutdown.register('database', () => db.$disconnect());
  shutdown.register('points consumer', () => consumer.stop());
  // Kafka may still be starting (or briefly away): keep trying rather than exit.
  consumer.startInBackground();
}
