// How Kafka, MongoDB and MariaDB are reached (Redis: redis.ts), so every process gets the same
// timeouts, retry policy and log wiring.
import { Kafka, logLevel as kafkaLogLevel, type KafkaConfig } from 'kafkajs';
import mongoose from 'mongoose';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import mariadb from 'mariadb';
import type { Logger } from './logger.ts';

export function createKafka(
  brokers: string[],
  clientId: string,
  logger?: Logger,
  extra: Partial<KafkaConfig> = {},
) {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: kafkaLogLevel.WARN,
    logCreator: logger
      ? () =>
          ({ level, log }) => {
            const { message, ...rest } = log;
            const method =
              level <= kafkaLogLevel.ERROR ? 'error' : level === kafkaLogLevel.WARN ? 'warn' : 'debug';
            logger[method]({ kafka: rest }, message);
          }
      : undefined,
    ...extra,
  });
}

/**
 * Creates the topics that do not exist yet and waits for their leaders. A consumer that subscribes
 * to a topic before it exists may be assigned no partitions until its next metadata refresh
 * (minutes), so producers and consumers call this before they start.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin({ retry: { initialRetryTime: 200, retries: 2 } });
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0)
      await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function connectMongo(url: string): Promise<typeof mongoose> {
  // The connection is per process; commands are not buffered while it is down so that requests
  // fail quickly and /ready reports the outage.
  mongoose.set('strictQuery', true);
  return mongoose.connect(url, { serverSelectionTimeoutMS: 3_000, bufferCommands: false, autoIndex: true });
}

/** Connection options from a `mysql://user:pass@host:port/db` URL (no database when the path is empty). */
export function mariadbOptions(databaseUrl: string) {
  const u = new URL(databaseUrl);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ...(database ? { database } : {}),
  };
}

/** One short-lived connection for administrative work (tests, tooling); always closed. */
export async function withMariadbConnection<T>(
  databaseUrl: string,
  fn: (conn: mariadb.Connection) => Promise<T>,
): Promise<T> {
  const conn = await mariadb.createConnection(mariadbOptions(databaseUrl));
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/** Prisma 7 driver adapter for MariaDB/MySQL from a `mysql://user:pass@host:port/db` URL. */
export function mariadbAdapter(databaseUrl: string, connectionLimit = 10): PrismaMariaDb {
  return new PrismaMariaDb({
    ...mariadbOptions(databaseUrl),
    connectionLimit,
    connectTimeout: 3_000,
    acquireTimeout: 5_000,
    // DATETIME columns hold UTC; keep the driver from applying the host's zone.
    timezone: 'Z',
  });
}
