// "Tell me when it's quiet" against real MariaDB, Redis pub/sub and the fake WeChat API over HTTP:
// an alert is sent once when its venue's level drops to the asked level inside the window, by
// exactly one of several replicas, and never after the window.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { channels, createLogger, encodeMessage, type OccupancyMessageV1 } from '@sport-venue/shared';
import { uniqueId } from '@sport-venue/shared/testing';
import { startUserSubgraph, type RunningUserSubgraph } from '../src/index.ts';
import { createQuietAlertDispatcher } from '../src/quiet-alert-dispatcher.ts';
import { claimQuietAlert } from '../src/quiet-alert-store.ts';
import { createWeChatMessenger } from '../src/wechat-messages.ts';
import { DEV_SECRETS } from '../src/config.ts';
import { asUser, codeOf, startUserForTest, type UserUnderTest } from './support.ts';
import { ensureWeChatUser } from '../src/user-store.ts';

const REQUEST = `mutation($input: RequestQuietAlertInput!) {
  requestQuietAlert(input: $input) { id maxLevel windowStart windowEnd status venue { id } }
}`;
const MINE = `query($activeOnly: Boolean) {
  myQuietAlerts(activeOnly: $activeOnly) { id status sentLevel sentAt }
}`;
const CANCEL = `mutation($id: ID!) { cancelQuietAlert(id: $id) { id status } }`;

interface Requested {
  requestQuietAlert: { id: string; status: string; maxLevel: string; venue: { id: string } };
}
interface Mine {
  myQuietAlerts: Array<{ id: string; status: string; sentLevel: string | null; sentAt: string | null }>;
}

const LEASE_MS = 2_000;
const prefix = `${uniqueId('qa')}:`;
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function eventually(check: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('quiet alerts', () => {
  let t: UserUnderTest;
  let replica: RunningUserSubgraph;
  let publisher: Redis;
  let seq = 0;

  const message = (venueId: string, level: OccupancyMessageV1['occupancyLevel']): OccupancyMessageV1 => ({
    v: 1,
    venueId,
    currentCount: 3,
    occupancyLevel: level,
    at: new Date().toISOString(),
    seq: ++seq,
  });
  const publish = (m: OccupancyMessageV1) =>
    publisher.publish(channels.occupancy.name(prefix, m.venueId), encodeMessage(channels.occupancy, m));

  async function userWithOpenid(openid: string) {
    const user = await ensureWeChatUser(t.db, { openid });
    return asUser(user.id);
  }

  async function request(
    viewer: ReturnType<typeof asUser>,
    venueId: string,
    maxLevel = 'A_LITTLE_BUSY',
    extra = {},
  ) {
    const result = await t.graphql<Requested>(
      REQUEST,
      { input: { venueId, venueName: '静安体育中心游泳馆', maxLevel, windowEnd: hours(2), ...extra } },
      viewer,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.requestQuietAlert;
  }

  const row = (id: string) => t.db.quietAlert.findUniqueOrThrow({ where: { id: BigInt(id) } });
  const sentTo = (openid: string) => t.wechat.messages.filter((m) => m.touser === openid);

  before(async () => {
    const env = {
      PUBSUB_PREFIX: prefix,
      QUIET_ALERT_LEASE_MS: String(LEASE_MS),
      QUIET_ALERT_SWEEP_MS: '3600000',
    };
    t = await startUserForTest(env);
    // A second replica on the same database and Redis: both listen, both race for every alert.
    replica = await startUserSubgraph(t.config);
    publisher = new Redis(t.redisUrl);
  });
  after(async () => {
    publisher?.disconnect();
    await replica?.stop();
    await t?.stop();
  });

  it('tells the client which template to accept', async () => {
    const result = await t.graphql<{ quietAlertTemplateId: string }>('{ quietAlertTemplateId }');
    assert.equal(result.data?.quietAlertTemplateId, DEV_SECRETS.WECHAT_QUIET_TEMPLATE_ID);
  });

  it('sends one subscription message when the venue gets quiet enough, not while it is busier', async () => {
    const alice = await userWithOpenid('o-test-alice');
    const alert = await request(alice, 'venue-pool-1');
    assert.equal(alert.status, 'PENDING');
    assert.equal(alert.venue.id, 'venue-pool-1');

    await publish(message('venue-pool-1', 'BUSY'));
    await publish(message('venue-pool-1', 'A_LITTLE_BUSY'));
    await eventually(() => sentTo('o-test-alice').length > 0, 'the message');
    // Quieter still, repeatedly: the one-send quota is used up.
    await publish(message('venue-pool-1', 'NOT_BUSY'));
    await publish(message('venue-pool-1', 'NOT_BUSY'));
    await eventually(async () => (await row(alert.id)).status === 'SENT', 'SENT');
    await Promise.all([t.app.quietAlerts.idle(), replica.quietAlerts.idle()]);

    const sent = sentTo('o-test-alice');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.template_id, DEV_SECRETS.WECHAT_QUIET_TEMPLATE_ID);
    assert.equal(sent[0]!.page, 'pages/venue/venue?id=venue-pool-1');
    assert.equal(sent[0]!.data.thing1!.value, '静安体育中心游泳馆');
    assert.equal(sent[0]!.data.phrase2!.value, '略忙');
    const mine = await t.graphql<Mine>(MINE, { activeOnly: false }, alice);
    assert.deepEqual(
      mine.data!.myQuietAlerts.map(({ id, status, sentLevel }) => ({ id, status, sentLevel })),
      [{ id: alert.id, status: 'SENT', sentLevel: 'A_LITTLE_BUSY' }],
    );
    assert.deepEqual((await t.graphql<Mine>(MINE, {}, alice)).data!.myQuietAlerts, []);
  });

  it('sends exactly once per alert when replicas and events race for it', async () => {
    const viewers = await Promise.all(['carol', 'dave', 'erin'].map((n) => userWithOpenid(`o-test-${n}`)));
    const alerts = await Promise.all(viewers.map((v) => request(v, 'venue-gym-2', 'NOT_BUSY')));
    const events = Array.from({ length: 6 }, () => message('venue-gym-2', 'NOT_BUSY'));
    const claims = alerts.flatMap((a) =>
      [t.app, replica].flatMap((app) =>
        [1, 2, 3].map(() => app.quietAlerts.sendOne(BigInt(a.id), 'NOT_BUSY')),
      ),
    );
    const outcomes = await Promise.all([
      ...claims,
      ...events.flatMap((e) => [t.app.quietAlerts.handle(e), replica.quietAlerts.handle(e)]),
    ]);
    await Promise.all([t.app.quietAlerts.idle(), replica.quietAlerts.idle()]);
    for (const n of ['carol', 'dave', 'erin']) assert.equal(sentTo(`o-test-${n}`).length, 1, n);
    assert.ok(outcomes.filter((o) => o === 'sent').length <= 3);
    for (const a of alerts) assert.equal((await row(a.id)).status, 'SENT');
  });

  it('waits while the venue is busier than asked or the window has not begun', async () => {
    const frank = await userWithOpenid('o-test-frank');
    const strict = await request(frank, 'venue-court-3', 'NOT_BUSY');
    const later = await request(frank, 'venue-court-3', 'BUSY', {
      windowStart: hours(1),
      windowEnd: hours(3),
    });
    await t.app.quietAlerts.handle(message('venue-court-3', 'A_LITTLE_BUSY'));
    await t.app.quietAlerts.handle(message('venue-court-3', null));
    assert.equal(sentTo('o-test-frank').length, 0);
    assert.equal((await row(strict.id)).status, 'PENDING');
    assert.equal((await row(later.id)).status, 'PENDING');
  });

  it('expires at the end of the window and never sends afterwards', async () => {
    const grace = await userWithOpenid('o-test-grace');
    const alert = await request(grace, 'venue-track-4', 'BUSY', { windowEnd: hours(1) });
    const afterWindow = new Date(Date.now() + 2 * 3_600_000);
    const later = createQuietAlertDispatcher({
      db: t.db,
      messenger: createWeChatMessenger({ ...messengerSettings(), baseUrl: t.wechat.url }),
      logger: createLogger('test', 'silent'),
      leaseMs: LEASE_MS,
      now: () => afterWindow,
    });
    await later.handle(message('venue-track-4', 'NOT_BUSY'));
    assert.equal(sentTo('o-test-grace').length, 0);
    assert.ok((await later.expire()) >= 1);
    assert.equal((await row(alert.id)).status, 'EXPIRED');
    await t.app.quietAlerts.handle(message('venue-track-4', 'NOT_BUSY'));
    assert.equal(sentTo('o-test-grace').length, 0);
  });

  it('marks the alert FAILED when WeChat says the quota is gone (43101) and does not retry', async () => {
    const refuser = await userWithOpenid('o-test-refuse-henry');
    const alert = await request(refuser, 'venue-pool-5');
    await t.app.quietAlerts.handle(message('venue-pool-5', 'NOT_BUSY'));
    await t.app.quietAlerts.handle(message('venue-pool-5', 'NOT_BUSY'));
    const stored = await row(alert.id);
    assert.equal(stored.status, 'FAILED');
    assert.equal(stored.lastErrcode, 43101);
    assert.equal(stored.attempts, 1);
    assert.equal(t.wechat.refusals.filter((r) => r.touser === 'o-test-refuse-henry').length, 1);
  });

  it('gives the claim back when WeChat is unreachable, and the next quiet moment sends', async () => {
    const ivan = await userWithOpenid('o-test-ivan');
    const alert = await request(ivan, 'venue-pool-6');
    const offline = createQuietAlertDispatcher({
      db: t.db,
      messenger: createWeChatMessenger({ ...messengerSettings(), baseUrl: 'http://127.0.0.1:9' }),
      logger: createLogger('test', 'silent'),
      leaseMs: LEASE_MS,
    });
    assert.equal(await offline.sendOne(BigInt(alert.id), 'NOT_BUSY'), 'released');
    assert.equal((await row(alert.id)).status, 'PENDING');
    assert.equal((await row(alert.id)).lastErrcode, -1);
    await t.app.quietAlerts.handle(message('venue-pool-6', 'NOT_BUSY'));
    assert.equal((await row(alert.id)).status, 'SENT');
    assert.equal(sentTo('o-test-ivan').length, 1);
  });

  it('takes over a claim left by a replica that died mid-send once the lease has passed', async () => {
    const judy = await userWithOpenid('o-test-judy');
    const alert = await request(judy, 'venue-pool-7');
    assert.equal(await claimQuietAlert(t.db, BigInt(alert.id), new Date(), LEASE_MS), true);
    await t.app.quietAlerts.handle(message('venue-pool-7', 'NOT_BUSY'));
    assert.equal(sentTo('o-test-judy').length, 0, 'a live claim is respected');
    await new Promise((r) => setTimeout(r, LEASE_MS + 100));
    await t.app.quietAlerts.handle(message('venue-pool-7', 'NOT_BUSY'));
    assert.equal(sentTo('o-test-judy').length, 1);
  });

  it('cancels a waiting alert of the caller only; a cancelled alert is never sent', async () => {
    const kate = await userWithOpenid('o-test-kate');
    const other = await userWithOpenid('o-test-leo');
    const alert = await request(kate, 'venue-pool-8');
    assert.equal(codeOf(await t.graphql(CANCEL, { id: alert.id }, other)), 'NOT_FOUND');
    const cancelled = await t.graphql<{ cancelQuietAlert: { status: string } }>(
      CANCEL,
      { id: alert.id },
      kate,
    );
    assert.equal(cancelled.data?.cancelQuietAlert.status, 'CANCELLED');
    await t.app.quietAlerts.handle(message('venue-pool-8', 'NOT_BUSY'));
    assert.equal(sentTo('o-test-kate').length, 0);
  });

  it('refuses bad requests with stable codes and caps waiting alerts per user', async () => {
    const mia = await userWithOpenid('o-test-mia');
    const bad = async (extra: Record<string, unknown>) =>
      codeOf(
        await t.graphql(
          REQUEST,
          {
            input: {
              venueId: 'venue-9',
              venueName: '场馆',
              maxLevel: 'NOT_BUSY',
              windowEnd: hours(2),
              ...extra,
            },
          },
          mia,
        ),
      );
    assert.equal(await bad({ maxLevel: 'VERY_BUSY' }), 'BAD_USER_INPUT');
    assert.equal(await bad({ windowEnd: hours(-1) }), 'BAD_USER_INPUT');
    assert.equal(await bad({ windowEnd: hours(30) }), 'BAD_USER_INPUT');
    assert.equal(await bad({ windowEnd: 'tomorrow' }), 'BAD_USER_INPUT');
    assert.equal(await bad({ venueName: '  ' }), 'BAD_USER_INPUT');
    assert.equal(
      codeOf(
        await t.graphql(REQUEST, {
          input: { venueId: 'v', venueName: 'x', maxLevel: 'BUSY', windowEnd: hours(1) },
        }),
      ),
      'UNAUTHENTICATED',
    );
    const results = await Promise.all(Array.from({ length: 7 }, () => bad({})));
    assert.equal(results.filter((c) => c === undefined).length, 5);
    assert.equal(results.filter((c) => c === 'TOO_MANY_QUIET_ALERTS').length, 2);
  });
});

function messengerSettings() {
  return {
    appid: DEV_SECRETS.WECHAT_APPID,
    secret: DEV_SECRETS.WECHAT_SECRET,
    timeoutMs: 1_000,
    miniprogramState: 'developer' as const,
  };
}
