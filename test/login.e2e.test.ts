// Scenario: a mini-program user logs in through the router with the fake WeChat API, calls the
// graph with the access token, refreshes it, and sees points from a check-in event; WeChat's
// refusals arrive as stable codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createKafka, type CheckinEvent } from '@sport-venue/shared';
import { eventually, testServices, uniqueId } from '@sport-venue/shared/testing';
import { createAdmin } from '../subgraphs/user/src/operators.ts';
import { startGraph, type Graph } from './support/graph.ts';

const LOGIN = `mutation($code: String!) {
  loginWithWeChat(code: $code) { accessToken refreshToken tokenType isNewUser user { id } }
}`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }`;

interface Tokens {
  accessToken: string;
  refreshToken: string;
  isNewUser: boolean;
  user: { id: string };
}

describe('login through the router', () => {
  let graph: Graph;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    graph = await startGraph();
  });
  after(() => graph?.stop());

  const login = async (code: string) => {
    const result = await graph.graphql<{ loginWithWeChat: Tokens }>(LOGIN, { code });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.loginWithWeChat;
  };

  it('logs in with a WeChat code and uses the access token for the caller’s own data', async () => {
    const tokens = await login('test-e2e-alice');
    assert.equal(tokens.isNewUser, true);
    const me = await graph.graphql(
      `{ me { id roles points { balance } streak { current } } }`,
      {},
      bearer(tokens.accessToken),
    );
    assert.equal(me.errors, undefined, JSON.stringify(me.errors));
    assert.deepEqual(me.data, {
      me: { id: tokens.user.id, roles: ['USER'], points: { balance: 0 }, streak: { current: 0 } },
    });
    const nickname = await graph.graphql<{ updateProfile: { nickname: string } }>(
      `mutation { updateProfile(input: { nickname: "爱丽丝" }) { nickname } }`,
      {},
      bearer(tokens.accessToken),
    );
    assert.deepEqual(nickname.data, { updateProfile: { nickname: '爱丽丝' } });
  });

  it('answers an invalid code (40029) and WeChat rate limiting (45011) with stable codes', async () => {
    const invalid = await graph.graphql(LOGIN, { code: 'test-invalid' });
    assert.equal(invalid.errors?.[0]?.extensions?.code, 'INVALID_WECHAT_CODE');
    const limited = await graph.graphql(LOGIN, { code: 'test-ratelimited' });
    assert.equal(limited.errors?.[0]?.extensions?.code, 'WECHAT_RATE_LIMITED');
    for (const result of [invalid, limited]) {
      assert.equal(result.data, null);
      assert.equal(result.errors?.[0]?.extensions?.stacktrace, undefined);
    }
    assert.equal(
      await graph.user.db.user.count({ where: { openid: { in: ['o-test-invalid', 'o-test-ratelimited'] } } }),
      0,
    );
  });

  it('refreshes the session and refuses the spent refresh token', async () => {
    const tokens = await login('test-e2e-bob');
    const refreshed = await graph.graphql<{ refreshToken: Tokens }>(REFRESH, { t: tokens.refreshToken });
    assert.equal(refreshed.errors, undefined, JSON.stringify(refreshed.errors));
    const me = await graph.graphql('{ me { id } }', {}, bearer(refreshed.data!.refreshToken.accessToken));
    assert.deepEqual(me.data, { me: { id: tokens.user.id } });
    const reuse = await graph.graphql(REFRESH, { t: tokens.refreshToken });
    assert.equal(reuse.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  it('keeps private fields and admin mutations away from anonymous and ordinary callers', async () => {
    const anonymous = await graph.graphql(`mutation { updateProfile(input: { nickname: "x" }) { id } }`);
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const tokens = await login('test-e2e-carol');
    const create = await graph.graphql(
      `mutation { createOperator(input: { username: "sneaky", password: "long password 1" }) { id } }`,
      {},
      bearer(tokens.accessToken),
    );
    assert.equal(create.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('an admin creates an operator whose console token carries the operated venues', async () => {
    await createAdmin(
      graph.user.db,
      { username: 'e2e.admin', password: 'admin password 1' },
      { scryptLogN: 12, maxFailures: 5, lockoutMinutes: 15 },
    );
    const PASSWORD = `mutation($l: String!, $p: String!) { loginWithPassword(login: $l, password: $p) { accessToken } }`;
    const admin = await graph.graphql<{ loginWithPassword: { accessToken: string } }>(PASSWORD, {
      l: 'e2e.admin',
      p: 'admin password 1',
    });
    const created = await graph.graphql(
      `mutation { createOperator(input: { username: "e2e.ops", password: "operator pass 1", venueIds: ["31"] }) { id } }`,
      {},
      bearer(admin.data!.loginWithPassword.accessToken),
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const operator = await graph.graphql<{ loginWithPassword: { accessToken: string } }>(PASSWORD, {
      l: 'e2e.ops',
      p: 'operator pass 1',
    });
    const me = await graph.graphql(
      `{ me { roles operatedVenues { id } } }`,
      {},
      bearer(operator.data!.loginWithPassword.accessToken),
    );
    assert.deepEqual(me.data, { me: { roles: ['USER', 'VENUE_OPERATOR'], operatedVenues: [{ id: '31' }] } });
  });

  it('a counted check-in event on the graph’s topic shows up as points', async () => {
    const tokens = await login('test-e2e-dave');
    const kafka = createKafka(testServices.kafkaBrokers, uniqueId('e2e-'));
    const producer = kafka.producer();
    await producer.connect();
    try {
      const event: CheckinEvent = {
        v: 1,
        id: randomUUID(),
        type: 'CHECKED_IN',
        userId: tokens.user.id,
        venueId: '1',
        cityCode: '310000',
        sessionId: randomUUID(),
        at: new Date().toISOString(),
        counted: true,
        source: 'GPS',
      };
      await producer.send({
        topic: graph.topics.checkinEvents,
        messages: [{ key: tokens.user.id, value: JSON.stringify(event) }],
      });
    } finally {
      await producer.disconnect();
    }
    const points = await eventually(
      async () => {
        const result = await graph.graphql<{
          me: { points: { balance: number; history: { edges: Array<{ node: { reason: string } }> } } };
        }>(
          `{ me { points { balance history(first: 5) { edges { node { reason } } } } } }`,
          {},
          bearer(tokens.accessToken),
        );
        return result.data?.me.points.balance ? result.data.me.points : null;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.equal(points.balance, 10);
    assert.deepEqual(
      points.history.edges.map((e) => e.node.reason),
      ['CHECKIN'],
    );
  });
});
