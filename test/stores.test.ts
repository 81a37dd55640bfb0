// Each store the subgraphs use, written and read back over a real connection.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka, createRedis, connectMongo } from '@sport-venue/shared';
import {
  createTestDatabase,
  createTestRedis,
  testMongoUrl,
  testServices,
  uniqueId,
} from '@sport-venue/shared/testing';
import { createUserDb } from '../subgraphs/user/src/user-store.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import { challengeModel, createChallenge, findChallenge } from '../subgraphs/social/src/challenge-store.ts';
import { nextId, nextUserId } from '@sport-venue/shared';
import { claimLookup } from '../subgraphs/user/src/identity-lookup.ts';
import { ensureWeChatUser } from '../subgraphs/user/src/user-store.ts';

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('stores', () => {
  it('MariaDB (user database): a user written through Prisma reads back, its openid stays claimed by it', async () => {
    const database = await createTestDatabase('user');
    const db = createUserDb(database.url);
    cleanups.push(database.drop, () => db.$disconnect());
    const created = await ensureWeChatUser(db, { openid: 'o-test-store', nickname: 'A' });
    const read = await db.user.findUniqueOrThrow({ where: { openid: 'o-test-store' } });
    assert.equal(read.id, created.id);
    assert.equal((await ensureWeChatUser(db, { openid: 'o-test-store' })).id, created.id);
    // Users are sharded by id, so the openid is unique through its lookup row (another id loses).
    assert.equal(await claimLookup(db, 'openid', 'o-test-store', nextUserId()), created.id);
  });

  it('MariaDB (venue database): JSON columns hold and a slug is unique within its city', async () => {
    const database = await createTestDatabase('venue');
    const db = createVenueDb(database.url);
    cleanups.push(database.drop, () => db.$disconnect());
    await db.city.create({ data: { code: '440300', name: '深圳', timeZone: 'Asia/Shanghai' } });
    const venue = await db.venue.create({
      data: {
        id: nextId(),
        cityCode: '440300',
        slug: 'v',
        name: 'V',
        address: 'A',
        lat: 22.54,
        lng: 114.06,
        sports: ['yoga'],
        timeZone: 'Asia/Shanghai',
        openingHours: {},
      },
    });
    const read = await db.venue.findUniqueOrThrow({ where: { id: venue.id } });
    assert.deepEqual(read.sports, ['yoga']);
    assert.equal(read.checkinRadiusM, 200);
    await assert.rejects(
      db.venue.create({
        data: {
          id: nextId(),
          cityCode: '440300',
          slug: 'v',
          name: 'V',
          address: 'A',
          lat: 0,
          lng: 0,
          sports: [],
          timeZone: 'UTC',
          openingHours: {},
        },
      }),
      { code: 'P2002' },
    );
  });

  it('Redis: the server is version 7 and a counter increments atomically', async () => {
    const { url } = await createTestRedis();
    const redis = createRedis(url);
    cleanups.push(async () => redis.disconnect());
    const info = await redis.info('server');
    assert.match(info, /redis_version:7\./);
    await Promise.all(Array.from({ length: 100 }, () => redis.incr('venue:1:current')));
    assert.equal(await redis.get('venue:1:current'), '100');
  });

  it('Kafka: a message produced with kafkajs is consumed by a group', async () => {
    const kafka = createKafka(testServices.kafkaBrokers, uniqueId('store-test'));
    const topic = uniqueId('test.roundtrip.');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: uniqueId('group-') });
    cleanups.push(async () => {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) });
    });
    await producer.send({ topic, messages: [{ key: 'venue-1', value: JSON.stringify({ hello: '打卡' }) }] });
    assert.deepEqual(JSON.parse(await received), { hello: '打卡' });
  });

  it('MongoDB wire server: mongoose creates, reads, updates and deletes a challenge', async () => {
    const mongoose = await connectMongo(testMongoUrl('store'));
    cleanups.push(async () => {
      await mongoose.connection.dropDatabase();
      await mongoose.disconnect();
    });
    const model = challengeModel(mongoose.connection);
    const created = await createChallenge(model, { title: '一周打卡', creatorId: '42', venueId: null });
    assert.equal((await findChallenge(model, created.id))?.title, '一周打卡');
    await model.updateOne({ _id: created.id }, { $set: { title: '两周打卡' } });
    assert.equal((await findChallenge(model, created.id))?.title, '两周打卡');
    await model.deleteOne({ _id: created.id });
    assert.equal(await findChallenge(model, created.id), null);
  });
});
