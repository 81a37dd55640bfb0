// MySQL sharding (docs/decisions/0021) on the running topology: a Spider front over the shards
// infra/infra.sh starts. Every check reads the shards directly, never through the front.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  idTime,
  lookupBucket,
  nextId,
  nextUserId,
  rangeOfId,
  shardOfCity,
  shardOfLookup,
  shardOfUserId,
  shardOfVenueId,
  withMariadbConnection,
} from '@sport-venue/shared';
import {
  dropDatabase,
  migrate,
  shardServers,
  shardUrl,
  type ShardServer,
} from '@sport-venue/shared/migrations';
import { createTestDatabase, testServices, uniqueId } from '@sport-venue/shared/testing';
import { ensureWeChatUser } from '../subgraphs/user/src/user-store.ts';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';
import { startUserForTest, type UserUnderTest } from '../subgraphs/user/test/support.ts';

const LOGIN = `mutation($code: String!) { loginWithWeChat(code: $code) { isNewUser user { id } } }`;

/** Rows of `sql` on each shard, by shard number. */
async function perShard<T>(url: string, shards: ShardServer[], sql: string, params: unknown[] = []) {
  return Promise.all(
    shards.map((s) =>
      withMariadbConnection(shardUrl(url, s), (conn) => conn.query(sql, params) as Promise<T[]>),
    ),
  );
}

describe('MySQL shards', () => {
  let t: UserUnderTest;
  let shards: ShardServer[];
  let venueDb: Awaited<ReturnType<typeof createTestDatabase>>;

  before(async () => {
    // Concurrent logins on a busy machine: the fake WeChat must not time out first.
    t = await startUserForTest({ WECHAT_TIMEOUT_MS: '10000' });
    venueDb = await createTestDatabase('venue');
    shards = await shardServers(t.config.USER_DATABASE_URL);
  });
  after(async () => {
    await t?.stop();
    await venueDb?.drop();
  });

  it('runs on at least two shards behind the front', () => {
    assert.ok(shards.length >= 2, `shards: ${JSON.stringify(shards)}`);
  });

  it('puts every user, its rows and its openid lookup on the shard their keys say', async () => {
    const users = [];
    for (let i = 0; i < 16; i++) users.push(await ensureWeChatUser(t.db, { openid: `o-place-${i}` }));
    for (const u of users) {
      await t.db.pointsAccount.create({ data: { userId: u.id } });
    }
    const url = t.config.USER_DATABASE_URL;
    const userRows = await perShard<{ id: bigint }>(url, shards, 'SELECT id FROM `User`');
    const accountRows = await perShard<{ userId: bigint }>(url, shards, 'SELECT userId FROM PointsAccount');
    const lookupRows = await perShard<{ lookupKey: string; bucket: number }>(
      url,
      shards,
      'SELECT lookupKey, bucket FROM IdentityLookup',
    );
    for (const u of users) {
      const want = shardOfUserId(u.id, shards.length);
      const holders = userRows.flatMap((rows, s) => (rows.some((r) => r.id === u.id) ? [s] : []));
      assert.deepEqual(holders, [want], `user ${u.id} (range ${rangeOfId(u.id)})`);
      const accountHolders = accountRows.flatMap((rows, s) =>
        rows.some((r) => r.userId === u.id) ? [s] : [],
      );
      assert.deepEqual(accountHolders, [want], `points account of ${u.id}`);
      const key = `openid:${u.openid}`;
      const lookupHolders = lookupRows.flatMap((rows, s) =>
        rows.some((r) => r.lookupKey === key) ? [s] : [],
      );
      assert.deepEqual(lookupHolders, [shardOfLookup(key, shards.length)], key);
      assert.equal(lookupRows.flat().find((r) => r.lookupKey === key)!.bucket, lookupBucket(key));
    }
  });

  it('spreads new users over every shard, with time-ordered ids within a range', async () => {
    const ids = Array.from({ length: 64 }, () => nextUserId());
    const perShardCount = new Map<number, number>();
    for (const id of ids) {
      const s = shardOfUserId(id, shards.length);
      perShardCount.set(s, (perShardCount.get(s) ?? 0) + 1);
    }
    for (let s = 0; s < shards.length; s++)
      assert.ok(
        (perShardCount.get(s) ?? 0) >= ids.length / shards.length / 2,
        `shard ${s}: ${perShardCount.get(s)}`,
      );
    const byRange = Map.groupBy(ids, rangeOfId);
    for (const inRange of byRange.values()) {
      assert.deepEqual(
        [...inRange].sort((a, b) => (a < b ? -1 : 1)),
        inRange,
        'ids of one range ascend',
      );
    }
    assert.ok(Math.abs(idTime(ids[0]!).getTime() - Date.now()) < 60_000);
    const plain = [nextId(), nextId(), nextId()];
    assert.ok(plain[0]! < plain[1]! && plain[1]! < plain[2]!, 'other ids ascend');
  });

  it('places venues by region and venue-owned rows by venue hash', async () => {
    const db = createVenueDb(venueDb.url, 2);
    try {
      const cities = [
        { code: '110000', name: '北京', timeZone: 'Asia/Shanghai' },
        { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
        { code: '440300', name: '深圳', timeZone: 'Asia/Shanghai' },
        { code: 'CH-261', name: 'Zürich', timeZone: 'Europe/Zurich' },
      ];
      await db.city.createMany({ data: cities });
      const venues = [];
      for (const [i, city] of cities.entries()) {
        for (let k = 0; k < 3; k++) {
          venues.push(
            await db.venue.create({
              data: {
                id: nextId(),
                cityCode: city.code,
                slug: `v-${i}-${k}`,
                name: `V${i}${k}`,
                address: 'A',
                lat: 31,
                lng: 121,
                sports: [],
                timeZone: city.timeZone,
                openingHours: {},
              },
            }),
          );
        }
      }
      const startsAt = new Date(Date.now() + 86_400_000);
      for (const v of venues) {
        await db.bookingSlot.create({
          data: {
            id: nextId(),
            venueId: v.id,
            resource: 'court',
            startsAt,
            endsAt: new Date(+startsAt + 3_600_000),
            capacity: 4,
          },
        });
      }
      const url = venueDb.url;
      const venueRows = await perShard<{ id: bigint; cityCode: string }>(
        url,
        shards,
        'SELECT id, cityCode FROM Venue',
      );
      const cityRows = await perShard<{ code: string }>(url, shards, 'SELECT code FROM City');
      const slotRows = await perShard<{ venueId: bigint }>(url, shards, 'SELECT venueId FROM BookingSlot');
      for (const v of venues) {
        const holders = venueRows.flatMap((rows, s) => (rows.some((r) => r.id === v.id) ? [s] : []));
        assert.deepEqual(holders, [shardOfCity(v.cityCode, shards.length)], `venue in ${v.cityCode}`);
        const slotHolders = slotRows.flatMap((rows, s) => (rows.some((r) => r.venueId === v.id) ? [s] : []));
        assert.deepEqual(slotHolders, [shardOfVenueId(v.id, shards.length)], `slot of venue ${v.id}`);
      }
      for (const c of cities) {
        const holders = cityRows.flatMap((rows, s) => (rows.some((r) => r.code === c.code) ? [s] : []));
        assert.deepEqual(holders, [shardOfCity(c.code, shards.length)], `city ${c.code}`);
      }
      // Several regions, several shards: the map is not degenerate.
      assert.ok(new Set(venues.map((v) => shardOfCity(v.cityCode, shards.length))).size >= 2);
      assert.ok(new Set(venues.map((v) => shardOfVenueId(v.id, shards.length))).size >= 2);
      // And the front still answers a query over every shard.
      assert.equal(await db.venue.count(), venues.length);
    } finally {
      await db.$disconnect();
    }
  });

  it('makes one user of concurrent first logins with the same openid', async () => {
    const logins = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.graphql<{ loginWithWeChat: { isNewUser: boolean; user: { id: string } } }>(LOGIN, {
          code: 'test-twin',
        }),
      ),
    );
    for (const l of logins) assert.equal(l.errors, undefined, JSON.stringify(l.errors));
    const ids = new Set(logins.map((l) => l.data!.loginWithWeChat.user.id));
    assert.equal(ids.size, 1, `user ids: ${[...ids].join(', ')}`);
    assert.equal(logins.filter((l) => l.data!.loginWithWeChat.isNewUser).length, 1);
    const rows = await perShard<{ id: bigint }>(
      t.config.USER_DATABASE_URL,
      shards,
      'SELECT id FROM `User` WHERE openid = ?',
      ['o-test-twin'],
    );
    assert.equal(rows.flat().length, 1);
    const claims = await perShard<{ userId: bigint }>(
      t.config.USER_DATABASE_URL,
      shards,
      'SELECT userId FROM IdentityLookup WHERE lookupKey = ?',
      ['openid:o-test-twin'],
    );
    assert.deepEqual(
      claims.flat().map((c) => c.userId.toString()),
      [...ids],
    );
  });

  it('keeps usernames unique across shards: a second operator with the same username is refused', async () => {
    const admin = { userId: '1', roles: ['USER', 'ADMIN'] as const, venueIds: [] };
    const CREATE = `mutation($input: CreateOperatorInput!) { createOperator(input: $input) { id } }`;
    const input = (phone: string) => ({ username: 'same.name', password: 'long password 1', phone });
    const results = await Promise.all([
      t.graphql(CREATE, { input: input('13800000001') }, { ...admin, roles: [...admin.roles] }),
      t.graphql(CREATE, { input: input('13800000002') }, { ...admin, roles: [...admin.roles] }),
    ]);
    const ok = results.filter((r) => !r.errors);
    assert.equal(ok.length, 1, JSON.stringify(results));
    assert.equal(results.find((r) => r.errors)!.errors![0]!.extensions!.code, 'ALREADY_EXISTS');
    // The loser gave its phone claim back: that phone is free for someone else.
    const loserPhone = results[0]!.errors ? '13800000001' : '13800000002';
    const again = await t.graphql(
      CREATE,
      { input: { username: 'other.name', password: 'long password 1', phone: loserPhone } },
      { ...admin, roles: [...admin.roles] },
    );
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
  });

  it('refuses to rebuild a front database that holds rows of its own (data from before sharding)', async () => {
    const database = `sv_test_user_${uniqueId('')}`;
    const url = `${testServices.mysqlUrl}/${database}`;
    await withMariadbConnection(testServices.mysqlUrl, (conn) => conn.query(`CREATE DATABASE ${database}`));
    try {
      await withMariadbConnection(url, async (conn) => {
        await conn.query('CREATE TABLE `User` (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB');
        await conn.query('INSERT INTO `User` VALUES (42)');
      });
      await assert.rejects(migrate('user', url), /holds InnoDB tables from before sharding \(User\)/);
      const [row] = await withMariadbConnection(url, (conn) => conn.query('SELECT id FROM `User`'));
      assert.equal(row.id, 42n);
    } finally {
      await dropDatabase(url, database);
    }
  });
});
