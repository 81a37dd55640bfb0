// The operator console in real headless Chromium against the real graph (router, four subgraphs,
// MariaDB, Redis, Kafka, FerretDB), served from its production build. One browser, one operator
// walk-through; a screenshot of every page under test-output/console/ (git-ignored).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { uniqueId } from '@sport-venue/shared/testing';
import { createOperator } from '../subgraphs/user/src/operators.ts';
import {
  CONSOLE_DIST,
  ensureConsoleBuilt,
  initialJsBytes,
  INITIAL_JS_BUDGET_BYTES,
} from '../scripts/console-build.ts';
import { serveStatic, type StaticServer } from '../scripts/serve-static.ts';
import { DEMO_OPERATOR, DEMO_ADMIN, seedConsoleAccounts } from '../scripts/seed/console-accounts.ts';
import { parseCsv } from '../apps/console/src/lib/csv.ts';
import { EMPTY_CELL } from '../apps/console/src/lib/empty-cell.ts';
import { startGraph, type Graph } from './support/graph.ts';
import { nextId } from '@sport-venue/shared';

const SHOTS = new URL('../test-output/console/', import.meta.url).pathname;
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

let graph: Graph;
let site: StaticServer;
let browser: Browser;
let page: Page;
/** What seedActivity made that a test acts on later. */
let activity: { inviteCode: string };
const venues: Record<'a' | 'b' | 'other', { id: string; lat: number; lng: number }> = {} as never;
const graphqlResponses: Array<{ body: string; sentQuery: boolean }> = [];

async function createVenue(name: string, slug: string, lat: number, lng: number, capacity: number) {
  const v = await graph.venue.db.venue.create({
    data: {
      id: nextId(),
      cityCode: '310000',
      slug,
      name,
      address: '上海市静安区南京西路 1 号',
      lat,
      lng,
      sports: ['badminton', 'fitness'],
      capacity,
      timeZone: 'Asia/Shanghai',
      openingHours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [[0, 1440]]])),
    },
  });
  return { id: v.id.toString(), lat, lng };
}

const tokens = new Map<string, string>();
const NICKNAMES: Record<string, string> = {
  alice: '张三',
  bob: '李四',
  carol: '王五',
  dave: '赵六',
  erin: '钱七',
  frank: '孙八',
  grace: '周九',
  heidi: '吴十',
  ivan: '郑十一',
};
const DAY_MS = 86_400_000;
const shanghaiDate = (ms: number) => new Date(ms).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
/** The venue-local (Shanghai) day three days ago: its two seeded stays fall inside it at any hour of the run. */
const pastDay = shanghaiDate(Date.now() - 3 * DAY_MS);
/** A mini-program user's access token (WeChat login through the fake WeChat API). */
async function tokenOf(name: string): Promise<string> {
  if (!tokens.has(name)) {
    const login = await graph.graphql<{ loginWithWeChat: { accessToken: string } }>(
      'mutation($code: String!) { loginWithWeChat(code: $code) { accessToken } }',
      { code: `test-${name}` },
    );
    assert.equal(login.errors, undefined, JSON.stringify(login.errors));
    tokens.set(name, login.data!.loginWithWeChat.accessToken);
    // Chinese nicknames: the CSV export must keep them readable (UTF-8 with BOM).
    await as(
      login.data!.loginWithWeChat.accessToken,
      'mutation($n: String!) { updateProfile(input: { nickname: $n }) { id } }',
      {
        n: NICKNAMES[name] ?? name,
      },
    );
  }
  return tokens.get(name)!;
}

async function as<T>(token: string, query: string, variables: Record<string, unknown> = {}) {
  const r = await graph.graphql<T>(query, variables, { authorization: `Bearer ${token}` });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!;
}

/** Booking slots for tomorrow evening with a few bookings, and a public PK challenge at the venue. */
async function seedActivity(venue: { id: string }) {
  const login = await graph.graphql<{ loginWithPassword: { accessToken: string } }>(
    'mutation($l: String!, $p: String!) { loginWithPassword(login: $l, password: $p) { accessToken } }',
    { l: DEMO_OPERATOR.username, p: DEMO_OPERATOR.password },
  );
  const operator = login.data!.loginWithPassword.accessToken;
  const day = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00:00+08:00`;
  const created = await as<{ createBookingSlots: Array<{ id: string }> }>(
    operator,
    'mutation($v: ID!, $s: [BookingSlotInput!]!) { createBookingSlots(venueId: $v, slots: $s) { id } }',
    {
      v: venue.id,
      s: [
        { resource: '1 号场', startsAt: at(18), endsAt: at(19), capacity: 4 },
        { resource: '2 号场', startsAt: at(19), endsAt: at(20), capacity: 6 },
      ],
    },
  );
  for (const name of ['alice', 'bob', 'carol'])
    await as(await tokenOf(name), 'mutation($s: ID!) { bookSlot(slotId: $s) { id } }', {
      s: created.createBookingSlots[0]!.id,
    });
  const challenge = await as<{ createChallenge: { inviteCode: string } }>(
    await tokenOf('alice'),
    'mutation($i: CreateChallengeInput!) { createChallenge(input: $i) { inviteCode } }',
    {
      i: {
        title: '静安打卡周赛',
        type: 'CHECKIN_DAYS',
        visibility: 'PUBLIC',
        cityCode: '310000',
        venueId: venue.id,
      },
    },
  );
  return { inviteCode: challenge.createChallenge.inviteCode };
}

/** A mini-program user checks in at the venue through the router, like the WeChat client does. */
async function checkInAs(name: string, venue: { id: string; lat: number; lng: number }) {
  const token = await tokenOf(name);
  const r = await graph.graphql(
    'mutation($input: CheckInInput!) { checkIn(input: $input) { session { id } } }',
    {
      input: {
        venueId: venue.id,
        lat: venue.lat,
        lng: venue.lng,
        accuracyM: 10,
        idempotencyKey: uniqueId('idem-'),
      },
    },
    { authorization: `Bearer ${token}` },
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
}

async function shot(name: string) {
  await page.waitForTimeout(300); // let transitions settle
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** The table's cells as the CSV export holds them: an absent value is an empty cell there. */
const asExported = (rows: string[][]) => rows.map((r) => r.map((cell) => (cell === EMPTY_CELL ? '' : cell)));

const waitCount = (selector: string, n: number) =>
  page.waitForFunction(`document.querySelectorAll(${JSON.stringify(selector)}).length === ${n}`, undefined, {
    timeout: 60_000,
  });
const waitHeadcount = (n: number) =>
  page.waitForFunction(
    `document.querySelector('.live [data-test="headcount"]')?.textContent?.trim() === '${n}'`,
    undefined,
    { timeout: 60_000 },
  );

async function headcount(): Promise<number> {
  return Number((await page.locator('.live [data-test="headcount"]').first().textContent())?.trim());
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureConsoleBuilt((line) => process.stdout.write(`# ${line}\n`));
  let graphUrl = '';
  site = await serveStatic({ root: CONSOLE_DIST, port: 0, runtimeConfig: () => ({ graphUrl }) });
  graph = await startGraph({ routerEnv: { CORS_ORIGINS: site.url } });
  graphUrl = `${graph.router.url}/graphql`;

  await graph.venue.db.city.upsert({
    where: { code: '310000' },
    create: { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
    update: {},
  });
  venues.a = await createVenue('静安体育中心', 'jingan', 31.2304, 121.4537, 10);
  venues.b = await createVenue('徐汇游泳馆', 'xuhui', 31.19, 121.43, 50);
  venues.other = await createVenue('浦东羽毛球馆', 'pudong', 31.22, 121.54, 30);
  const { adminId } = await seedConsoleAccounts(
    graph.user.db,
    [BigInt(venues.a.id), BigInt(venues.b.id)],
    12,
  );
  await createOperator(
    graph.user.db,
    { username: 'other-operator', password: 'other-operator-2026', venueIds: [venues.other.id] },
    adminId,
    { scryptLogN: 12, maxFailures: 5, lockoutMinutes: 15 },
  );
  // History, before anything reads the venue (popular times are cached): two stays three days ago
  // (the date filter picks them out) and two weeks of headcounts (today's actual line, the heatmap).
  const past = Date.parse(`${pastDay}T10:00:00+08:00`);
  for (const [i, userId] of [9001n, 9002n].entries()) {
    await graph.venue.db.checkIn.create({
      data: {
        venueId: BigInt(venues.a.id),
        id: crypto.randomUUID(),
        userId,
        cityCode: '310000',
        source: 'QR',
        counted: true,
        startedAt: new Date(past + i * 3_600_000),
        expiresAt: new Date(past + i * 3_600_000 + 90 * 60_000),
        endedAt: new Date(past + i * 3_600_000 + 75 * 60_000),
        minutes: 75,
        endReason: 'EXPLICIT',
      },
    });
  }
  const hour = 3_600_000;
  const start = Math.floor((Date.now() - 14 * DAY_MS) / hour) * hour;
  const samples = [];
  for (let t = start; t < Date.now() - 5 * 60_000; t += 15 * 60_000) {
    const local = (new Date(t).getUTCHours() + 8) % 24;
    const busy = Math.max(0, Math.round(8 * Math.sin(((local - 6) / 16) * Math.PI)));
    samples.push({ venueId: BigInt(venues.a.id), at: new Date(t), count: busy, source: 'SAMPLED' });
  }
  await graph.venue.db.occupancySample.createMany({ data: samples, skipDuplicates: true });
  for (const name of ['alice', 'bob', 'carol']) await checkInAs(name, venues.a);
  activity = await seedActivity(venues.a);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    locale: 'zh-CN',
    acceptDownloads: true,
  });
  page = await context.newPage();
  // The browser's own errors make a failing step explain itself.
  page.on('pageerror', (err) => process.stdout.write(`# page error: ${err.message}\n`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') process.stdout.write(`# console error: ${msg.text()}\n`);
  });
  page.on('response', async (res) => {
    if (res.status() >= 500)
      process.stdout.write(
        `# ${res.status()} ${res.request().method()} ${res.url()} ${res.request().postData()?.slice(0, 200)}: ${(await res.text().catch(() => '')).slice(0, 300)}\n`,
      );
  });
  page.on('request', (req) => {
    if (req.url() === graphUrl && req.method() === 'POST') {
      const body = JSON.parse(req.postData() ?? '{}') as { query?: string };
      graphqlResponses.push({ body: '', sentQuery: typeof body.query === 'string' && body.query !== '' });
    }
  });
});

after(async () => {
  await browser?.close();
  await site?.stop();
  await graph?.stop();
});

describe('operator console', () => {
  it('fits the initial JavaScript budget (250 KB gzip)', () => {
    const size = initialJsBytes();
    process.stdout.write(`# console initial JS: ${size.gzip} bytes gzip in ${size.files} files\n`);
    assert.ok(size.gzip <= INITIAL_JS_BUDGET_BYTES, `${size.gzip} > ${INITIAL_JS_BUDGET_BYTES}`);
  });

  it('sends a deep link to the login page and back to it after logging in', async () => {
    await page.goto(`${site.url}/venues/${venues.a.id}`);
    await page.waitForURL(/\/login\?redirect=/);
    await page.locator('input[name="login"]').waitFor();
    await shot('01-login');
    await page.fill('input[name="login"]', DEMO_OPERATOR.username);
    await page.fill('input[name="password"]', DEMO_OPERATOR.password);
    await page.click('[data-test="login-submit"]');
    await page.waitForURL(new RegExp(`/venues/${venues.a.id}$`));
    await page.locator('[data-test="venue-name"]').waitFor();
    assert.equal(await page.locator('[data-test="venue-name"]').textContent(), '静安体育中心');
  });

  it("lists only the operator's venues, busiest first, with a gauge each", async () => {
    await page.goto(`${site.url}/`);
    await page.locator('[data-test="venue-card"]').first().waitFor();
    await waitCount('[data-test="venue-card"]', 2);
    const ids = await page
      .locator('[data-test="venue-card"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-venue-id')));
    assert.deepEqual(ids, [venues.a.id, venues.b.id], '3 of 10 (30 %) before 0 of 50');
    assert.equal(await page.locator('[data-test="gauge"]').count(), 2);
    await shot('02-venue-list');
  });

  it('shows a check-in made through the API without a reload', async () => {
    await page.goto(`${site.url}/venues/${venues.a.id}`);
    await page.locator('.live [data-test="headcount"]').waitFor();
    await page.locator('[data-test="forecast-chart"] canvas').waitFor();
    assert.equal(await headcount(), 3);
    await page.evaluate('window.marker = 42');
    // The subscription is sent once the socket is up; give it a moment before the event.
    await page.waitForTimeout(1_000);
    const started = Date.now();
    await checkInAs('dave', venues.a);
    await waitHeadcount(4);
    const tookMs = Date.now() - started;
    process.stdout.write(`# check-in to console headcount: ${tookMs} ms\n`);
    assert.equal(await page.evaluate('window.marker'), 42, 'no reload');
    assert.equal(await page.locator('.live [data-test="gauge"]').getAttribute('data-alert'), 'normal');
    await checkInAs('erin', venues.a);
    await checkInAs('frank', venues.a);
    await checkInAs('grace', venues.a);
    await checkInAs('heidi', venues.a);
    await waitHeadcount(8);
    assert.equal(
      await page.locator('.live [data-test="gauge"]').getAttribute('data-alert'),
      'warning',
      '8 of 10',
    );
    await checkInAs('ivan', venues.a);
    await waitHeadcount(9);
    assert.equal(
      await page.locator('.live [data-test="gauge"]').getAttribute('data-alert'),
      'critical',
      '9 of 10',
    );
    await shot('03-venue-overview');
  });

  it('exports exactly the check-ins shown for the filter as CSV', async () => {
    await page.goto(`${site.url}/venues/${venues.a.id}/checkins`);
    // Default: the last 7 days, 11 stays; then only the day three days ago, 2 stays.
    await waitCount('[data-test="checkin-table"] .el-table__body .el-table__row', 11);
    const day = pastDay;
    await page.goto(`${site.url}/venues/${venues.a.id}/checkins?from=${day}&to=${day}`);
    await waitCount('[data-test="checkin-table"] .el-table__body .el-table__row', 2);
    assert.deepEqual(
      await page
        .locator('.el-range-editor input')
        .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)),
      [day, day],
      'the picker shows the filter',
    );
    await shot('04-checkins-filtered');
    const filtered = await page
      .locator('[data-test="checkin-table"] .el-table__body .el-table__row')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      );
    // The two seeded stays are of users 9001 and 9002, who never made a profile: no nickname.
    assert.deepEqual(
      filtered.map((r) => [r[3], r[2]]).sort(),
      [
        ['9001', EMPTY_CELL],
        ['9002', EMPTY_CELL],
      ],
      'a user without a nickname shows the empty-cell mark',
    );
    const [filteredDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-test="checkin-export"]'),
    ]);
    const [, ...filteredRows] = parseCsv(readFileSync((await filteredDownload.path())!).toString('utf8'));
    assert.deepEqual(filteredRows, asExported(filtered));
    assert.ok(
      filteredRows.every((r) => r[0]!.startsWith(day)),
      'in the filtered day, venue time',
    );
    await page.goto(`${site.url}/venues/${venues.a.id}/checkins`);
    await page.locator('[data-test="checkin-table"] .el-table__row').first().waitFor();
    await waitCount('[data-test="checkin-table"] .el-table__body .el-table__row', 11);
    const shown = await page
      .locator('[data-test="checkin-table"] .el-table__body .el-table__row')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-test="checkin-export"]'),
    ]);
    const bytes = readFileSync((await download.path())!);
    assert.equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte-order mark');
    const [header, ...rows] = parseCsv(bytes.toString('utf8'));
    assert.equal(header?.[0], '签到时间');
    assert.ok(
      shown.every((r) => r.every((cell) => cell !== '')),
      `no blank cell (open stays have no end yet): ${JSON.stringify(shown)}`,
    );
    assert.deepEqual(rows, asExported(shown));
    assert.ok(
      rows.some((r) => r[2] === '张三'),
      'Chinese nickname intact',
    );
    assert.ok(
      rows.every((r) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(r[0]!)),
      'local times',
    );
    await shot('04-checkins');
  });

  it('shows bookings and challenges', async () => {
    await page.goto(`${site.url}/venues/${venues.a.id}/bookings`);
    await page.locator('[data-test="bookings"]').waitFor();
    await shot('05-bookings');
    await page.goto(`${site.url}/venues/${venues.a.id}/challenges`);
    const table = page.locator('[data-test="challenges"]');
    await table.waitFor();
    const row = table.locator('tbody tr', { hasText: '静安打卡周赛' });
    await row.locator('[data-test="challenge-status"]').waitFor();
    // Type and status in the console's language, not the API's enum values.
    const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
    assert.deepEqual([cells[1], cells[2], cells[4]], ['打卡天数', '未开始', '1 / 50']);
    await shot('06-challenges');
    // Someone joins while the tab is open: the count follows without a reload.
    await as(await tokenOf('bob'), 'mutation($c: String!) { joinChallenge(inviteCode: $c) { id } }', {
      c: activity.inviteCode,
    });
    await row.locator('td', { hasText: '2 / 50' }).waitFor({ timeout: 30_000 });
  });

  it('shows a server validation error on its settings field and changes nothing', async () => {
    await page.goto(`${site.url}/venues/${venues.a.id}/settings`);
    const radius = page.locator('input[name="checkinRadiusM"]');
    await radius.waitFor();
    await radius.fill('5');
    await page.fill('input[name="capacity"]', '99');
    await page.click('[data-test="settings-save"]');
    const error = page.locator('[data-field="checkinRadiusM"] .el-form-item__error');
    await error.waitFor();
    // In the console's language with the server's limits, not the server's English message.
    assert.equal((await error.textContent())?.trim(), '请输入 20 到 5000 之间的整数');
    const row = await graph.venue.db.venue.findUnique({ where: { id: BigInt(venues.a.id) } });
    assert.deepEqual([row?.checkinRadiusM, row?.capacity], [200, 10], 'nothing was written');
    await shot('07-settings-error');
  });

  it('shows "no access" for another operator\'s venue, as the graph said FORBIDDEN', async () => {
    const forbidden = page.waitForResponse(
      async (res) => res.url().endsWith('/graphql') && (await res.text()).includes('FORBIDDEN'),
    );
    await page.goto(`${site.url}/venues/${venues.other.id}`);
    await forbidden;
    await page.locator('[data-test="no-access"]').waitFor();
    await shot('08-no-access');
  });

  it('sent every operation as a trusted-document hash', () => {
    assert.ok(graphqlResponses.length > 5);
    assert.deepEqual(
      graphqlResponses.filter((r) => r.sentQuery),
      [],
    );
  });

  it('gives an admin the operator pages, also at tablet width', async () => {
    await page.click('[data-test="logout"]');
    await page.waitForURL(/\/login/);
    await page.fill('input[name="login"]', DEMO_ADMIN.username);
    await page.fill('input[name="password"]', DEMO_ADMIN.password);
    await page.click('[data-test="login-submit"]');
    await page.waitForURL(`${site.url}/`);
    await waitCount('[data-test="venue-card"]', 3);
    await page.goto(`${site.url}/admin`);
    await page.locator('[data-test="create-operator"]').waitFor();
    await shot('09-admin');
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${site.url}/venues/${venues.a.id}`);
    await page.locator('[data-test="forecast-chart"] canvas').waitFor();
    await shot('10-venue-tablet');
  });

  it('returns an expired session to the login page with the page asked for', async () => {
    // Access token expired and a refresh token the server refuses: the session is over.
    await page.evaluate(
      `localStorage.setItem('sv-console-session', JSON.stringify({
        accessToken: 'expired', accessTokenExpiresAt: '2020-01-01T00:00:00Z',
        refreshToken: 'revoked', refreshTokenExpiresAt: '2099-01-01T00:00:00Z' }))`,
    );
    await page.goto(`${site.url}/venues/${venues.a.id}/bookings`);
    await page.waitForURL(/\/login\?redirect=/);
    assert.equal(new URL(page.url()).searchParams.get('redirect'), `/venues/${venues.a.id}/bookings`);
    assert.equal(await page.evaluate(`localStorage.getItem('sv-console-session')`), null);
  });
});
