// How Kafka, MongoDB and MariaDB are reached (Redis: redis.ts), so every process gets the same
// timeouts, retry policy and log wiring.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import {
  Kafka as KafkaClient,
  Partitioners,
  logLevel as kafkaLogLevel,
  type Admin,
  type ISocketFactory,
  type ITopicMetadata,
  type KafkaConfig,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import mongoose from 'mongoose';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import mariadb from 'mariadb';
import type { Logger } from './logger.ts';
import { fixRequestQueueBusyLoop, retriableKafkaErrors } from './kafkajs-fixes.ts';

fixRequestQueueBusyLoop();

/** The error of a socket closed by kafkaWithOwnSockets. */
const KAFKA_CLIENT_CLOSED = 'Kafka client closed';

/**
 * The level a kafkajs log line deserves here. kafkajs logs at ERROR every protocol error a broker
 * answers, including the retriable ones it then retries (a fresh broker's group coordinator
 * "loading", a topic whose leader is being elected): those are part of a healthy start and only
 * matter if the retries run out, which the calling operation reports itself.
 */
export function kafkaLogLevelOf(level: number, message: string, error: unknown): 'error' | 'warn' | 'debug' {
  // Sockets closed on purpose by kafkaWithOwnSockets (a stop), not a broker failing.
  if (message.includes(KAFKA_CLIENT_CLOSED)) return 'debug';
  if (level <= kafkaLogLevel.ERROR) {
    if (message.startsWith('Response ') && typeof error === 'string' && retriableKafkaErrors.has(error))
      return 'debug';
    // Parts starting together create the same topics: the loser's broker answer lists "already
    // exists", which createTopics accepts; any other per-topic failure makes createTopics throw to
    // its caller (ensureTopics), which reports it.
    if (message.startsWith('Response CreateTopics') && error === 'Topic creation errors') return 'debug';
    return 'error';
  }
  // Our idempotent producer (the outbox relay) limits its retries on purpose: an unsent row stays
  // in the outbox and is sent again, and consumers drop duplicates by event id.
  if (message.startsWith('Limiting retries for the idempotent producer')) return 'debug';
  return level === kafkaLogLevel.WARN ? 'warn' : 'debug';
}

/** kafkajs's Kafka whose producers name their partitioner (the v2 default, murmur2 like Java's). */
class Kafka extends KafkaClient {
  override producer(config: ProducerConfig = {}): Producer {
    return super.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
  }
}

/** The settings each client of createKafka was made with (kafkaWithOwnSockets copies them). */
const kafkaConfigs = new WeakMap<KafkaClient, KafkaConfig>();

export function createKafka(
  brokers: string[],
  clientId: string,
  logger?: Logger,
  extra: Partial<KafkaConfig> = {},
): Kafka {
  const config: KafkaConfig = {
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
            logger[kafkaLogLevelOf(level, message, rest.error)]({ kafka: rest }, message);
          }
      : undefined,
    ...extra,
  };
  const kafka = new Kafka(config);
  kafkaConfigs.set(kafka, config);
  return kafka;
}

const require = createRequire(import.meta.url);
const defaultSocketFactory = (require('kafkajs/src/network/socketFactory.js') as () => ISocketFactory)();

export interface KafkaWithOwnSockets {
  kafka: KafkaClient;
  /**
   * Ends every socket this client opened (its pending requests fail) and makes each later
   * connection attempt fail at once. kafkajs cannot abort a connect in progress, and a
   * disconnect waits for requests in flight: after this, neither can keep the process alive.
   */
  closeSockets(): void;
}

/**
 * A client with the settings of `kafka` (from createKafka) and its own sockets, closable at once;
 * `maxRetries` caps the retries of each of its operations.
 */
export function kafkaWithOwnSockets(
  kafka: KafkaClient,
  { maxRetries }: { maxRetries?: number } = {},
): KafkaWithOwnSockets {
  const config = kafkaConfigs.get(kafka);
  if (!config) throw new Error('kafkaWithOwnSockets: the client must come from createKafka');
  const sockets = new Set<Socket>();
  let closed = false;
  const closedError = () => new Error(KAFKA_CLIENT_CLOSED);
  const socketFactory: ISocketFactory = (args) => {
    const socket = defaultSocketFactory(args) as Socket;
    // An 'error' (not a bare destroy) lets kafkajs reject the connection's requests and clear its timers.
    if (closed) process.nextTick(() => socket.destroy(closedError()));
    else {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    return socket;
  };
  return {
    kafka: new Kafka({
      ...config,
      ...(maxRetries === undefined
        ? {}
        : { retry: { ...config.retry, retries: Math.min(config.retry?.retries ?? 5, maxRetries) } }),
      socketFactory,
    }),
    closeSockets() {
      closed = true;
      // One that kafkajs already ended just goes; any other fails its requests (kafkajs then
      // clears that connection's timers).
      for (const socket of sockets) socket.destroy(socket.writableEnded ? undefined : closedError());
    },
  };
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
    if (missing.length > 0) await admin.createTopics({ topics: missing.map((topic) => ({ topic })) });
    // All of them: a topic listed here may have been created by another process a moment ago.
    if (topics.length > 0) await waitForLeaders(admin, [...topics]);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Polls the topics' metadata until every partition has a leader. Not createTopics' own
 * `waitForLeaders`: it retries only LEADER_NOT_AVAILABLE, while a broker whose metadata has not yet
 * caught up with a creation (another process's, racing this one) answers UNKNOWN_TOPIC_OR_PARTITION,
 * also retriable, and the start failed on it.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const led = (t: ITopicMetadata) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);
      if (found.length === topics.length && found.every(led)) return;
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`Kafka topics without a leader after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A connection of its own (not mongoose's process-wide default): two instances of a part in one
 * process (the clustered test graph) must not share, and close, one connection. Same options.
 */
export async function createMongoConnection(url: string): Promise<mongoose.Connection> {
  mongoose.set('strictQuery', true);
  return mongoose
    .createConnection(url, { serverSelectionTimeoutMS: 3_000, bufferCommands: false, autoIndex: true })
    .asPromise();
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

/**
 * A driver pool of its own (no Prisma) for a hot write path that sends whole transactions as one
 * text-protocol request: values are escaped by the driver (`?` placeholders), never spliced.
 */
export function mariadbPool(databaseUrl: string, options: mariadb.PoolConfig = {}): mariadb.Pool {
  // The same timers as the Prisma pools (mariadbPoolOptions: a healthy connection survives a stalled loop).
  return mariadb.createPool({ ...mariadbPoolOptions(databaseUrl), ...options });
}

/**
 * Runs `fn` on a connection of `pool` whose requests carry their own `START TRANSACTION … COMMIT`.
 * If `fn` fails, whatever it left open is rolled back; a connection that cannot even roll back is
 * destroyed rather than handed to the next caller mid-transaction.
 */
export async function withTransactionConnection<T>(
  pool: mariadb.Pool,
  fn: (conn: mariadb.PoolConnection) => Promise<T>,
): Promise<T> {
  const conn = await pool.getConnection();
  let healthy = true;
  try {
    return await fn(conn);
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => (healthy = false));
    throw err;
  } finally {
    // Never in place of fn's own error or result: a connection that fails to go back is the pool's.
    if (healthy) await conn.release().catch(() => undefined);
    else
      try {
        conn.destroy();
      } catch {
        // already gone
      }
  }
}

/**
 * One short-lived connection for administrative work (migrations, tests, tooling); always closed.
 * The driver's default connect timeout (1 s) is event-loop time too: a process not scheduled for
 * a second while the handshake is under way gave up on a healthy server (test set-ups and
 * migrations failed with "Connection timeout: failed to create socket after 1058ms" at load 20).
 * The bound here only guards against a server that never answers.
 */
export async function withMariadbConnection<T>(
  databaseUrl: string,
  fn: (conn: mariadb.Connection) => Promise<T>,
): Promise<T> {
  const conn = await mariadb.createConnection({ ...mariadbOptions(databaseUrl), connectTimeout: 20_000 });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/**
 * The connection pool every Prisma client of the project uses (mariadb driver options).
 *
 * The driver pings a connection idle for more than `minDelayValidation` before handing it out,
 * and destroys it when the answer has not been *processed* within `pingTimeout` (250 ms by
 * default). That timer runs on the event loop: a process that was not scheduled for 250 ms (a
 * busy machine, or one long task) finds the timer due before it reads the answer already in its
 * socket, and drops a healthy connection (packages/shared/test/mariadb-connections.test.ts). On a loaded
 * machine requests then keep opening new connections, each racing `connectTimeout`, until one
 * fails with "pool timeout" (before: INTERNAL_SERVER_ERROR; now SERVICE_BUSY, errors.ts). A dead
 * connection announces itself by its socket closing, so the ping only has to catch a server that
 * hangs: it gets as long as opening a connection does. `acquireTimeout` still bounds the whole
 * wait (booking-store.ts sheds load on it).
 */
export function mariadbPoolOptions(databaseUrl: string, connectionLimit = 10) {
  // pingTimeout is a pool option the driver's typings lack (mariadb 3.4 lib/config/pool-options.js),
  // hence no PoolConfig annotation (it would refuse the literal).
  const options = {
    ...mariadbOptions(databaseUrl),
    connectionLimit,
    connectTimeout: 3_000,
    pingTimeout: 3_000,
    acquireTimeout: 5_000,
    // DATETIME columns hold UTC; keep the driver from applying the host's zone.
    timezone: 'Z',
  };
  return options;
}

/** Prisma 7 driver adapter for MariaDB/MySQL from a `mysql://user:pass@host:port/db` URL. */
export function mariadbAdapter(databaseUrl: string, connectionLimit = 10): PrismaMariaDb {
  return new PrismaMariaDb(mariadbPoolOptions(databaseUrl, connectionLimit));
}
