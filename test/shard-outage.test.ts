// A MySQL shard that dies (docs/decisions/0021): requests for its keys fail within seconds with
// SERVICE_UNAVAILABLE, the other shard keeps serving, and everything recovers once it is back.
// Runs its own front and two shards (infra/infra.sh on spare ports and a state dir of its own):
// killing a shard of the shared topology would break every other test file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEV_IDENTITY_SECRET,
  IDENTITY_HEADER,
  nextUserId,
  shardOfUserId,
  signIdentity,
} from '@sport-venue/shared';
import { migrate } from '@sport-venue/shared/migrations';
import { createTestRedis, eventually } from '@sport-venue/shared/testing';
import { startPrivateShardedMariadb, type PrivateShardedMariadb } from '../infra/private-mariadb.ts';
import { startUserSubgraph } from '../subgraphs/user/src/index.ts';
import { testConfig } from '../subgraphs/user/test/support.ts';

describe('a MySQL shard outage', () => {
  let mariadb: PrivateShardedMariadb;
  let app: Awaited<ReturnType<typeof startUserSubgraph>> | undefined;
  const users: bigint[] = []; // [on shard0, on shard1]

  before(async () => {
    mariadb = await startPrivateShardedMariadb();
    const url = mariadb.url('sv_outage_user');
    await migrate('user', url);
    const redis = await createTestRedis();
    app = await startUserSubgraph({
      ...testConfig({ USER_DATABASE_URL: url, REDIS_URL: redis.url }),
      USER_PORT: 0,
    });
    for (const shard of [0, 1]) {
      let id = nextUserId();
      while (shardOfUserId(id, 2) !== shard) id = nextUserId();
      await app.db.user.create({ data: { id, openid: `o-outage-${shard}`, nickname: `on shard ${shard}` } });
      users.push(id);
    }
  });
  after(async () => {
    await app?.stop();
    await mariadb?.stop();
  });

  const me = async (userId: bigint) => {
    const viewer = { userId: userId.toString(), roles: ['USER' as const], venueIds: [] };
    const res = await fetch(`${app!.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await signIdentity(viewer, DEV_IDENTITY_SECRET),
      },
      body: JSON.stringify({ query: '{ me { id nickname } }' }),
    });
    return (await res.json()) as {
      data?: { me: { id: string; nickname: string } | null };
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    };
  };

  it('answers SERVICE_UNAVAILABLE for the dead shard within seconds, serves the other, and recovers', async () => {
    for (const id of users) assert.equal((await me(id)).data?.me?.id, id.toString());

    const pid = mariadb.shardPid(1);
    process.kill(pid, 'SIGKILL');

    const started = Date.now();
    const failed = await me(users[1]!);
    const took = Date.now() - started;
    assert.equal(failed.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE', JSON.stringify(failed));
    assert.doesNotMatch(JSON.stringify(failed), /stack|12701|1429|Spider|shard1/i);
    // Not a performance target: a hang would take Spider's default 600 s.
    assert.ok(took < 60_000, `the dead shard answered after ${took} ms`);

    const alive = await me(users[0]!);
    assert.equal(alive.errors, undefined, JSON.stringify(alive.errors));
    assert.equal(alive.data?.me?.nickname, 'on shard 0');

    await mariadb.infra('up', 'shard1');
    const back = await eventually(async () => (await me(users[1]!)).data?.me ?? null, {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    assert.equal(back.nickname, 'on shard 1');
  });

  it('answers SERVICE_UNAVAILABLE for a hung shard after its timeout instead of hanging, and recovers', async () => {
    const pid = mariadb.shardPid(1);
    await eventually(async () => (await me(users[1]!)).data?.me ?? null, {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const failed = await me(users[1]!);
      const took = Date.now() - started;
      assert.equal(failed.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE', JSON.stringify(failed));
      assert.ok(took < 60_000, `the hung shard answered after ${took} ms`);
      assert.equal((await me(users[0]!)).data?.me?.nickname, 'on shard 0');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const back = await eventually(async () => (await me(users[1]!)).data?.me ?? null, {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    assert.equal(back.nickname, 'on shard 1');
  });
});
