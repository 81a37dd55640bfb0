/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The mini-program's H5 build in real headless Chromium at a 375×812 phone viewport, against the
// real graph (router, four subgraphs, MariaDB, Redis, Kafka, FerretDB) with seeded venues. Two
// users (two browser contexts) log in through the fake WeChat API, check in, watch each other's
// check-ins arrive live, and play a PK. A screenshot of every page goes to
// apps/miniprogram/screenshots/ (git-ignored).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../../scripts/serve-static.ts';
import { startGraph, type Graph } from '../../../test/support/graph.ts';
import { gcj02ToWgs84 } from '../src/lib/coords.ts';
import { ensureBuilt, H5_DIST } from '../scripts/build.ts';
import { nextId } from '@sport-venue/shared';

const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
// Generous: the machine is shared; these wait for real events through Kafka and pub/sub.
const LIVE_TIMEOUT = 60_000;

/**
 * Milliseconds until the ISO week ends in Asia/Shanghai (next Monday 00:00). The app's PK runs
 * from its creation to that instant: created in the last moments of a Sunday, it would end before
 * the scenario's check-in.
 */
function untilShanghaiWeekEnds(now = Date.now()): number {
  const local = new Date(now + 8 * 3_600_000);
  const weekday = local.getUTCDay() || 7;
  const nextMonday =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 8 - weekday) - 8 * 3_600_000;
  return nextMonday - now;
}

interface Place {
  id: string;
  lat: number;
  lng: number;
}

let graph: Graph;
let site: StaticServer;
let browser: Browser;
const venues: Record<'pool' | 'gym', Place> = {} as never;

async function createVenue(name: string, slug: string, lat: number, lng: number): Promise<Place> {
  const v = await graph.venue.db.venue.create({
    data: {
      id: nextId(),
      cityCode: '310000',
      slug,
      name,
      address: '上海市静安区江宁路 428 号',
      lat,
      lng,
      sports: ['swimming', 'fitness'],
      capacity: 40,
      checkinRadiusM: 150,
      timeZone: 'Asia/Shanghai',
      openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]])),
    },
  });
  return { id: v.id.toString(), lat, lng };
}

/** A phone: its own browser context (storage, cookies) with the location granted. */
class Phone {
  /** The app's sockets pass through the test, so it can cut them like a lost network. */
  private cut = false;
  private readonly routed: WebSocketRoute[] = [];
  context!: BrowserContext;
  page!: Page;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }

  async open(at: { lat: number; lng: number }) {
    this.context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      permissions: ['geolocation'],
      geolocation: { ...this.toBrowser(at), accuracy: 20 },
    });
    this.page = await this.context.newPage();
    await this.page.routeWebSocket(/\/graphql$/, (ws) => {
      this.routed.push(ws);
      // While cut, a new socket opens but the router never answers (no connection_ack).
      if (!this.cut) ws.connectToServer();
    });
    // Count the app's WebSockets from inside the page: opened, open now, most open at once.
    await this.page.addInitScript(() => {
      const stats = { opened: 0, open: 0, max: 0 };
      (window as unknown as { __sockets: typeof stats }).__sockets = stats;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          stats.opened += 1;
          stats.open += 1;
          stats.max = Math.max(stats.max, stats.open);
          this.addEventListener('close', () => (stats.open -= 1));
        }
      };
    });
  }

  /** The page's WebSocket counts (an app restarts them when the page reloads). */
  sockets() {
    return this.page.evaluate(
      () => (window as unknown as { __sockets: { opened: number; open: number; max: number } }).__sockets,
    );
  }

  /** Drops every socket the way a lost network does; new ones get no answer until restore(). */
  async loseConnection() {
    this.cut = true;
    for (const ws of this.routed.splice(0)) await ws.close({ code: 1012, reason: 'network lost (test)' });
  }

  async restore() {
    this.cut = false;
    for (const ws of this.routed.splice(0)) await ws.close({ code: 1012, reason: 'still offline (test)' });
  }

  /** Browsers report WGS-84; the app converts to GCJ-02 (the venues' system). */
  toBrowser(at: { lat: number; lng: number }) {
    const w = gcj02ToWgs84(at.lat, at.lng);
    return { latitude: w.lat, longitude: w.lng };
  }

  async moveTo(at: { lat: number; lng: number }) {
    await this.context.setGeolocation({ ...this.toBrowser(at), accuracy: 20 });
  }

  async go(path: string) {
    await this.page.goto(`${site.url}/#${path}`);
  }

  async shot(name: string) {
    await this.page.waitForTimeout(300); // let transitions settle before the picture
    await this.page.screenshot({ path: `${SHOTS}${this.name}-${name}.png`, fullPage: true });
    // Fits a 375 px phone: nothing scrolls sideways.
    const width = await this.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${name} is ${width} px wide`);
    // Not blank: the page rendered its content.
    const text = await this.page.evaluate(() => document.body.innerText.trim().length);
    assert.ok(text > 20, `${name} shows almost nothing`);
  }

  count() {
    return this.page.locator('[data-test="live-count"]');
  }

  async logIn(nickname: string) {
    await this.go('/pages/login/login');
    await this.page.locator('[data-test="dev-name"] input').fill(this.name);
    await this.page.locator('[data-test="login"]').click();
    await this.page.locator('[data-test="nickname"] input').fill(nickname);
    await this.shot('login-profile');
    await this.page.locator('[data-test="save-profile"]').click();
    await this.page.locator('[data-test="venue-card"]').first().waitFor({ timeout: LIVE_TIMEOUT });
  }

  /** Taps 打卡 and returns the message the page shows for this tap. */
  async checkIn() {
    const notice = this.page.locator('[data-test="notice"]');
    const before = (await notice.count()) ? await notice.textContent() : null;
    await this.page.locator('[data-test="check-in"]').click();
    await this.page.waitForFunction(
      (previous) => {
        const text = document.querySelector('[data-test="notice"]')?.textContent;
        return !!text && text !== previous;
      },
      before,
      { timeout: LIVE_TIMEOUT },
    );
    return (await notice.textContent())?.trim() ?? '';
  }
}

const alice = new Phone('alice');
const bob = new Phone('bob');

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  execFileSync('bash', ['scripts/ensure-chromium.sh'], {
    stdio: 'inherit',
    cwd: new URL('../../../', import.meta.url),
  });
  ensureBuilt('h5', (line) => process.stdout.write(`# ${line}\n`));
  let graphUrl = '';
  site = await serveStatic({ root: H5_DIST, port: 0, runtimeConfig: () => ({ graphUrl }) });
  graph = await startGraph({ routerEnv: { CORS_ORIGINS: site.url } });
  graphUrl = `${graph.router.url}/graphql`;
  await graph.venue.db.city.create({ data: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' } });
  venues.pool = await createVenue('静安体育中心游泳馆', 'jingan-pool', 31.2352, 121.4456);
  // 300 m away: near enough that moving there is plausible, far enough to be outside the pool's fence.
  venues.gym = await createVenue('江宁路健身房', 'jiangning-gym', 31.2379, 121.4456);
  await graph.venue.jobs.resyncGeo();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  await alice.open(venues.pool);
  await bob.open({ lat: 31.19, lng: 121.49 }); // bob starts ~6 km away
});

after(async () => {
  await browser?.close();
  await site?.stop();
  await graph?.stop();
});

describe('mini-program H5', () => {
  it('logs in and finds the nearby venue with distance, busyness and live count', async () => {
    await alice.logIn('阿丽');
    const card = alice.page.locator('[data-test="venue-card"]').first();
    assert.match((await card.textContent()) ?? '', /静安体育中心游泳馆[\s\S]*米[\s\S]*现在 0 人/);
    await alice.shot('home');
  });

  it('checks in at the venue and sees the live count change', async () => {
    await alice.page.locator('[data-test="venue-card"]', { hasText: '静安体育中心游泳馆' }).click();
    await alice.count().waitFor();
    assert.equal((await alice.count().textContent())?.trim(), '0');
    assert.match(await alice.checkIn(), /打卡成功/);
    await assert.doesNotReject(
      alice.page.waitForFunction(
        () => document.querySelector('[data-test="live-count"]')?.textContent?.trim() === '1',
        null,
        { timeout: LIVE_TIMEOUT },
      ),
    );
    await alice.shot('venue');
  });

  it('a check-in from far away shows the geofence message and changes nothing', async () => {
    await bob.logIn('阿博');
    await bob.go(`/pages/venue/venue?id=${venues.pool.id}`);
    await bob.count().waitFor();
    const notice = await bob.checkIn();
    assert.match(notice, /离场馆太远/);
    await bob.shot('venue-geofence');
    assert.equal((await bob.count().textContent())?.trim(), '1');
    assert.equal((await alice.count().textContent())?.trim(), '1');
  });

  it("another user's check-in moves the first page's number without a reload", async () => {
    await bob.moveTo(venues.pool);
    assert.match(await bob.checkIn(), /打卡成功/);
    await alice.page.waitForFunction(
      () => document.querySelector('[data-test="live-count"]')?.textContent?.trim() === '2',
      null,
      { timeout: LIVE_TIMEOUT },
    );
    // The home page's live counts and the venue page's headcount share one socket.
    assert.deepEqual(await alice.sockets(), { opened: 1, open: 1, max: 1 });
  });

  it('says when the connection is lost, resubscribes when it is back, and still moves live', async () => {
    await alice.loseConnection();
    await alice.page.locator('[data-test="offline-banner"]').waitFor({ timeout: LIVE_TIMEOUT });
    await alice.shot('venue-offline');
    await alice.restore();
    await alice.page
      .locator('[data-test="offline-banner"]')
      .waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    // Bob leaves: the count Alice sees drops over the new socket.
    await bob.page.locator('[data-test="check-out"]').click();
    await alice.page.waitForFunction(
      () => document.querySelector('[data-test="live-count"]')?.textContent?.trim() === '1',
      null,
      { timeout: LIVE_TIMEOUT },
    );
    const sockets = await alice.sockets();
    assert.equal(sockets.max, 1, 'the lost socket was replaced, never doubled');
    assert.equal(sockets.open, 1);
  });

  it('PK: create, join by code, both leaderboards update live after a check-in', async () => {
    // From creating the PK to the check-in takes seconds (each wait is bounded by LIVE_TIMEOUT):
    // closer than two minutes to the week's end, the scenario waits for the new week.
    const left = untilShanghaiWeekEnds();
    if (left < 2 * 60_000) await new Promise((r) => setTimeout(r, left + 1_000));
    await alice.go('/pages/pk/pk');
    await alice.page.locator('[data-test="pk-title"] input').fill('本周游泳 PK');
    await alice.page.locator('[data-test="pk-create"]').click();
    const invite = alice.page.locator('[data-test="pk-invite"]').first();
    await invite.waitFor();
    const code = (await invite.textContent())!.trim();
    assert.match(code, /^\w{4,}$/);

    await bob.go('/pages/pk/pk');
    await bob.page.locator('[data-test="pk-code"] input').fill(code);
    await bob.page.locator('[data-test="pk-join"]').click();
    await bob.page.locator('[data-test="pk-notice"]', { hasText: '已加入' }).waitFor();
    await bob.page.locator('[data-test="pk-entry"]').nth(1).waitFor({ timeout: LIVE_TIMEOUT });
    await alice.page.locator('[data-test="pk-entry"]').nth(1).waitFor({ timeout: LIVE_TIMEOUT });
    // Alice's second entry came with the live board: the header's count came with it, not as first loaded.
    const people = async (p: Page) =>
      (await p.locator('[data-test="pk-people"]').first().textContent())?.trim();
    assert.match((await people(alice.page)) ?? '', /· 2\/50 人$/);
    assert.match((await people(bob.page)) ?? '', /· 2\/50 人$/);

    // Alice walks to the gym and checks in there: a counted check-in inside the challenge window.
    const aliceVenue = await alice.context.newPage();
    await alice.moveTo(venues.gym);
    await aliceVenue.goto(`${site.url}/#/pages/venue/venue?id=${venues.gym.id}`);
    await aliceVenue.locator('[data-test="check-in"]').click();
    await aliceVenue
      .locator('[data-test="notice"]', { hasText: '打卡成功' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await aliceVenue.close();

    const scored = (p: Page) =>
      p.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-test="pk-score"]')].some((e) =>
            e.textContent?.trim().startsWith('1'),
          ),
        null,
        { timeout: LIVE_TIMEOUT },
      );
    await Promise.all([scored(alice.page), scored(bob.page)]);
    await alice.shot('pk');
    await bob.shot('pk');
    // Every board and the venue page's headcount: never more than one socket at a time.
    for (const phone of [alice, bob]) {
      const sockets = await phone.sockets();
      assert.equal(sockets.max, 1, `${phone.name}: ${JSON.stringify(sockets)}`);
      assert.equal(sockets.open, 1, `${phone.name}: ${JSON.stringify(sockets)}`);
    }
  });

  it('me: points, streak and ledger after the check-ins', async () => {
    await alice.go('/pages/me/me');
    await alice.page
      .locator('[data-test="nickname"]', { hasText: '阿丽' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await alice.shot('me');
  });
});
