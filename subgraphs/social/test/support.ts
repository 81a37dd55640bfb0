// Starts the social subgraph on its own MongoDB database, Redis logical DB and Kafka topics, and
// calls it as the router would (x-sv-identity signed with the shared secret).
import { randomUUID } from 'node:crypto';
import {
  DEV_IDENTITY_SECRET,
  IDENTITY_HEADER,
  createKafka,
  createLogger,
  parseConfig,
  pointsCommandV1,
  signIdentity,
  type CheckinEvent,
  type PointsCommand,
} from '@sport-venue/shared';
import {
  createTestRedis,
  eventually,
  testMongoUrl,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { socialConfigSchema } from '../src/config.ts';
import { startSocialSubgraph } from '../src/index.ts';

export async function startSocialApp(env: Record<string, string> = {}) {
  const redis = await createTestRedis();
  const topics = { checkinEvents: uniqueId('checkin.events.'), pointsCommands: uniqueId('points.commands.') };
  const pubsubPrefix = `${uniqueId('t')}:`;
  const config = parseConfig(socialConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SOCIAL_PORT: '0',
    MONGO_URL: testMongoUrl('social'),
    REDIS_URL: redis.url,
    KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
    CHECKIN_EVENTS_TOPIC: topics.checkinEvents,
    POINTS_COMMANDS_TOPIC: topics.pointsCommands,
    PK_CONSUMER_GROUP: uniqueId('social-pk-'),
    PK_CONSUMER_SESSION_TIMEOUT_MS: '6000',
    PUBSUB_PREFIX: pubsubPrefix,
    PK_WORKOUT_DAILY_CAP_MINUTES: '120',
    PK_SETTLE_INTERVAL_MS: '3600000',
    PK_SETTLE_GRACE_MS: '0',
    ...env,
  });
  const app = await startSocialSubgraph(config);
  const kafka = createKafka(testServices.kafkaBrokers, uniqueId('social-test-'));
  const producer = kafka.producer();
  await producer.connect();

  async function graphql(query: string, variables: Record<string, unknown> = {}, userId?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (userId)
      headers[IDENTITY_HEADER] = await signIdentity(
        { userId, roles: ['USER'], venueIds: [] },
        DEV_IDENTITY_SECRET,
      );
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as {
      data?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    };
  }

  async function sendCheckin(over: Partial<CheckinEvent> & { userId: string }) {
    const event: CheckinEvent = {
      v: 1,
      id: randomUUID(),
      type: 'CHECKED_IN',
      venueId: '7',
      cityCode: '310000',
      sessionId: randomUUID(),
      at: new Date().toISOString(),
      counted: true,
      source: 'GPS',
      ...over,
    };
    await producer.send({
      topic: topics.checkinEvents,
      messages: [{ key: event.userId, value: JSON.stringify(event), headers: { 'event-id': event.id } }],
    });
    return event;
  }

  /**
   * The reward commands of some challenges on this app's `points.commands` topic, read from the
   * beginning once at least `atLeast` arrived, plus `quietMs` for any extra (duplicate) one.
   */
  async function rewardCommands(challengeIds: string | string[], atLeast: number, quietMs = 500) {
    const prefixes = [challengeIds].flat().map((id) => `pk:${id}:`);
    const consumer = kafka.consumer({
      groupId: uniqueId('pk-rewards-'),
      sessionTimeout: 6000,
      heartbeatInterval: 2000,
    });
    const commands: PointsCommand[] = [];
    const mine = () => commands.filter((cmd) => prefixes.some((p) => cmd.idempotencyKey.startsWith(p)));
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: topics.pointsCommands, fromBeginning: true });
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.run({
        eachMessage: async ({ message }) =>
          void commands.push(pointsCommandV1.parse(JSON.parse(message.value!.toString()))),
      });
      await eventually(() => joined && mine().length >= atLeast, { timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, quietMs));
    } finally {
      await consumer.disconnect();
    }
    return mine();
  }

  return {
    app,
    config,
    kafka,
    rewardCommands,
    redisUrl: redis.url,
    topics,
    pubsubPrefix,
    graphql,
    sendCheckin,
    async stop() {
      await producer.disconnect();
      await app.connection.dropDatabase().catch(() => undefined);
      await app.stop();
    },
  };
}

export type SocialApp = Awaited<ReturnType<typeof startSocialApp>>;

/** A logger that writes nothing (replicas and workers the tests build themselves). */
export const quietLogger = createLogger('social-test', 'silent');

export const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  r.errors?.[0]?.extensions?.code;
