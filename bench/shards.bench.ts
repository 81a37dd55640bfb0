// `npm run bench -- shards [--requests 1000] [--concurrency 16] [--port-base P] [--no-fault]`
//
// The project's MySQL workload through one unsharded MariaDB, a MariaDB Spider front over 4 shard
// servers and ShardingSphere-Proxy 5.1.0 over the same 4 shard servers (docs/decisions/0020), same
// DDL and data (bench/support/shard-layout.ts), same driver (`mariadb`, as the Prisma adapter:
// binary protocol; text protocol for ShardingSphere, which needs it). Per operation, the three are
// measured back to back and reported as ratios to the unsharded reference of the same run:
//   login       lookup row by openid (its hash shard), then the user by id (its RANGE shard)
//   signup      insert of a new user + its lookup row (two shards, two statements, no transaction)
//   checkIn     local transaction: check-in + outbox row (both on the venue's shard)
//   booking     transaction: slot SELECT … FOR UPDATE, insert booking, update slot (venue's shard)
//   venueById   a venue by id alone (no shard key: every shard is asked)
//   venuesByCity the first 20 venues of a city (one shard)
// Then: rows verified on the shard their key names (read on each shard directly), one read and one
// create through the venue subgraph's Prisma client on each engine, start-up time and RSS of each
// front, and a shard killed under load (time to the error, other shards, time to recover).
// Ports: --port-base P (or SHARD_BENCH_PORT_BASE) takes P…P+6, otherwise free ports. The proxy's
// password: SHARDINGSPHERE_PASSWORD (≥ 16 characters), otherwise random.
import { randomBytes, randomUUID, randomInt } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import type mariadb from 'mariadb';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { freePort } from '../infra/instance.ts';
import { PrismaClient } from '../subgraphs/venue/src/generated/prisma/client.ts';
import { load, option, round, type Measured } from './support/harness.ts';
import {
  layoutOf,
  loginHash,
  newId,
  newUserId,
  shardOfRow,
  shardOfVenueKey,
  TABLES,
  type ShardLayout,
} from './support/shard-layout.ts';
import {
  mariadbPid,
  query,
  rssMb,
  SPIDER_TIMEOUTS,
  SS_SOCKET_TIMEOUT_MS,
  startTopologies,
  type EngineClient,
  type EngineName,
  type Topologies,
} from './support/shard-engines.ts';

const run = promisify(execFile);
const root = new URL('../', import.meta.url).pathname;
const REQUESTS = option('requests', 1_000);
const CONCURRENCY = option('concurrency', 16);
const WARMUP = Math.min(200, REQUESTS);
const PORT_BASE = option('port-base', Number(process.env.SHARD_BENCH_PORT_BASE ?? 0));
const WITH_FAULT = !process.argv.includes('--no-fault');
const SHARDS = 4;
const ENGINES: EngineName[] = ['unsharded', 'spider', 'shardingsphere'];

const CITIES = [
  '110000',
  '120000',
  '130100',
  '210100',
  '310000',
  '320100',
  '330100',
  '420100',
  '440100',
  '440300',
  '510100',
  '610100',
];
const VENUES_PER_CITY = 8;
const SLOTS_PER_VENUE = 20;
const USERS = 2_000;

interface Fixture {
  venues: { id: bigint; cityCode: string }[];
  slots: { venueId: bigint; id: bigint }[];
  users: { id: bigint; openid: string }[];
}

function fixture(): Fixture {
  const venues = CITIES.flatMap((cityCode) =>
    Array.from({ length: VENUES_PER_CITY }, () => ({ id: newId(), cityCode })),
  );
  const slots = venues.flatMap((v) =>
    Array.from({ length: SLOTS_PER_VENUE }, () => ({ venueId: v.id, id: newId() })),
  );
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: newUserId(),
    openid: `o-bench-${i}-${randomBytes(6).toString('hex')}`,
  }));
  return { venues, slots, users };
}

const q = <T = unknown>(c: EngineClient, sql: string, params: unknown[] = []) =>
  query<T>(c.pool, c.textProtocol, sql, params);

async function insertRows(c: EngineClient, table: string, columns: string[], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    const values = chunk.map(() => `(${columns.map(() => '?').join(',')})`).join(',');
    await c.pool.query(
      `INSERT INTO \`${table}\` (${columns.map((x) => `\`${x}\``).join(',')}) VALUES ${values}`,
      chunk.flat(),
    );
  }
}

async function seed(c: EngineClient, f: Fixture) {
  const now = new Date();
  await insertRows(
    c,
    'Venue',
    [
      'id',
      'cityCode',
      'slug',
      'name',
      'address',
      'lat',
      'lng',
      'sports',
      'capacity',
      'timeZone',
      'openingHours',
      'updatedAt',
    ],
    f.venues.map((v, i) => [
      v.id,
      v.cityCode,
      `bench-${i}`,
      `基准场馆 ${i}`,
      '测试路 1 号',
      31.2 + i / 1000,
      121.4,
      '["gym"]',
      500,
      'Asia/Shanghai',
      '{"1":[[0,1440]]}',
      now,
    ]),
  );
  await insertRows(
    c,
    'BookingSlot',
    ['id', 'venueId', 'resource', 'startsAt', 'endsAt', 'capacity'],
    f.slots.map((s, i) => [
      s.id,
      s.venueId,
      `court-${i % SLOTS_PER_VENUE}`,
      new Date(Date.UTC(2027, 0, 1, i % SLOTS_PER_VENUE)),
      new Date(Date.UTC(2027, 0, 1, (i % SLOTS_PER_VENUE) + 1)),
      1_000_000,
    ]),
  );
  await insertRows(
    c,
    'User',
    ['id', 'openid', 'nickname', 'cityCode', 'updatedAt'],
    f.users.map((u) => [u.id, u.openid, '跑者', '310000', now]),
  );
  await insertRows(
    c,
    'UserLogin',
    ['hash', 'provider', 'value', 'userId'],
    f.users.map((u) => [loginHash('wechat', u.openid), 'wechat', u.openid, u.id]),
  );
}

const pick = <T>(xs: readonly T[]) => xs[randomInt(0, xs.length)]!;

type Op = (c: EngineClient) => Promise<boolean>;

function operations(f: Fixture): Record<string, Op> {
  return {
    async login(c) {
      const u = pick(f.users);
      const rows = await q<{ userId: bigint }[]>(
        c,
        'SELECT `userId` FROM `UserLogin` WHERE `hash` = ? AND `provider` = ? AND `value` = ?',
        [loginHash('wechat', u.openid), 'wechat', u.openid],
      );
      if (rows.length !== 1) return false;
      const users = await q<unknown[]>(
        c,
        'SELECT `id`, `openid`, `unionid`, `nickname`, `avatarUrl`, `cityCode`, `createdAt` FROM `User` WHERE `id` = ?',
        [rows[0]!.userId],
      );
      return users.length === 1;
    },
    async signup(c) {
      const id = newUserId();
      const openid = `o-new-${randomUUID()}`;
      // The lookup row first: it is the global uniqueness claim (a duplicate key fails the signup).
      await q(c, 'INSERT INTO `UserLogin` (`hash`, `provider`, `value`, `userId`) VALUES (?, ?, ?, ?)', [
        loginHash('wechat', openid),
        'wechat',
        openid,
        id,
      ]);
      await q(c, 'INSERT INTO `User` (`id`, `openid`, `nickname`, `updatedAt`) VALUES (?, ?, ?, NOW(3))', [
        id,
        openid,
        '新用户',
      ]);
      return true;
    },
    async checkIn(c) {
      const v = pick(f.venues);
      const userId = pick(f.users).id;
      const id = randomUUID();
      return transaction(c, async (conn) => {
        const now = new Date();
        await query(
          conn,
          c.textProtocol,
          'INSERT INTO `CheckIn` (`venueId`, `id`, `userId`, `cityCode`, `source`, `counted`, `startedAt`, `expiresAt`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [v.id, id, userId, v.cityCode, 'GPS', true, now, new Date(now.getTime() + 3 * 3600_000)],
        );
        await query(
          conn,
          c.textProtocol,
          'INSERT INTO `OutboxEvent` (`seq`, `id`, `venueId`, `topic`, `msgKey`, `payload`) VALUES (?, ?, ?, ?, ?, ?)',
          [
            newId(),
            randomUUID(),
            v.id,
            'checkin.events',
            String(userId),
            JSON.stringify({
              type: 'CHECKED_IN',
              sessionId: id,
              venueId: String(v.id),
              userId: String(userId),
            }),
          ],
        );
        return true;
      });
    },
    async booking(c) {
      const s = pick(f.slots);
      return transaction(c, async (conn) => {
        const [slot] = await query<{ capacity: number; booked: number }[]>(
          conn,
          c.textProtocol,
          'SELECT `capacity`, `booked` FROM `BookingSlot` WHERE `venueId` = ? AND `id` = ? FOR UPDATE',
          [s.venueId, s.id],
        );
        if (!slot || slot.booked >= slot.capacity) return false;
        const now = new Date();
        await query(
          conn,
          c.textProtocol,
          'INSERT INTO `Booking` (`id`, `venueId`, `slotId`, `userId`, `status`, `updatedAt`, `confirmedAt`) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [newId(), s.venueId, s.id, newUserId(), 'CONFIRMED', now, now],
        );
        await query(
          conn,
          c.textProtocol,
          'UPDATE `BookingSlot` SET `booked` = `booked` + 1 WHERE `venueId` = ? AND `id` = ?',
          [s.venueId, s.id],
        );
        return true;
      });
    },
    async venueById(c) {
      const rows = await q<unknown[]>(
        c,
        'SELECT `id`, `cityCode`, `slug`, `name`, `address`, `lat`, `lng`, `sports`, `capacity`, `timeZone`, `openingHours` FROM `Venue` WHERE `id` = ?',
        [pick(f.venues).id],
      );
      return rows.length === 1;
    },
    async venuesByCity(c) {
      const rows = await q<unknown[]>(
        c,
        'SELECT `id`, `slug`, `name`, `lat`, `lng`, `capacity` FROM `Venue` WHERE `cityCode` = ? ORDER BY `id` LIMIT 20',
        [pick(CITIES)],
      );
      return rows.length === VENUES_PER_CITY;
    },
  };
}

/**
 * BEGIN/COMMIT/ROLLBACK as statements, as the Prisma adapter sends them. The driver's own
 * commit()/rollback() send nothing unless the server flagged "in transaction" in its last reply,
 * which ShardingSphere-Proxy 5.1.0 never does: through it they would leave every transaction open
 * on the shard connection and its writes would be lost (measured; see docs/decisions/0020).
 */
async function transaction(
  c: EngineClient,
  fn: (conn: mariadb.PoolConnection) => Promise<boolean>,
): Promise<boolean> {
  const conn = await c.pool.getConnection();
  try {
    await conn.query('BEGIN');
    const ok = await fn(conn);
    await conn.query(ok ? 'COMMIT' : 'ROLLBACK');
    return ok;
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await conn.release();
  }
}

/**
 * Rows of every table on each shard (read directly), how many sit on a shard their key does not
 * name, the count through the engine and the count the successful operations wrote.
 */
async function verifyPlacement(
  layout: ShardLayout,
  shards: mariadb.Pool[],
  throughEngine: Record<string, number>,
  expected: Record<string, number>,
) {
  const result: Record<
    string,
    { perShard: number[]; misplaced: number; throughEngine: number; written: number }
  > = {};
  for (const table of TABLES) {
    const perShard: number[] = [];
    let misplaced = 0;
    for (const [i, pool] of shards.entries()) {
      const rows = await pool.query<Record<string, unknown>[]>(
        `SELECT \`${table.column}\` AS k FROM \`${table.name}\``,
      );
      perShard.push(rows.length);
      misplaced += rows.filter((r) => shardOfRow(layout, table, r.k) !== i).length;
    }
    result[table.name] = {
      perShard,
      misplaced,
      throughEngine: throughEngine[table.name]!,
      written: expected[table.name]!,
    };
  }
  const wrong = Object.entries(result).filter(
    ([, r]) =>
      r.misplaced > 0 || r.perShard.reduce((a, b) => a + b, 0) !== r.written || r.throughEngine !== r.written,
  );
  return { ok: wrong.length === 0, tables: result };
}

async function count(c: EngineClient, table: string): Promise<number> {
  const [row] = await c.pool.query<{ n: bigint | number }[]>(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number(row!.n);
}

/**
 * The driver's own transaction calls (beginTransaction, INSERT, UPDATE, commit — the shape of a
 * booking), 20 times; then each row looked up from a fresh transaction. Returns how many commits
 * never reached the shard (see transaction()).
 */
async function driverCommitProbe(c: EngineClient, f: Fixture): Promise<number> {
  const ids: string[] = [];
  const v = f.venues[1]!;
  for (let i = 0; i < 20; i++) {
    const id = randomUUID();
    const conn = await c.pool.getConnection();
    try {
      await conn.beginTransaction();
      const now = new Date();
      await query(
        conn,
        c.textProtocol,
        'INSERT INTO `CheckIn` (`venueId`, `id`, `userId`, `cityCode`, `source`, `counted`, `startedAt`, `expiresAt`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [v.id, id, f.users[0]!.id, v.cityCode, 'GPS', false, now, now],
      );
      await query(
        conn,
        c.textProtocol,
        'UPDATE `CheckIn` SET `counted` = ? WHERE `venueId` = ? AND `id` = ?',
        [true, v.id, id],
      );
      await conn.commit();
      ids.push(id);
    } finally {
      await conn.release();
    }
  }
  let lost = 0;
  for (const id of ids) {
    const conn = await c.pool.getConnection();
    try {
      // Ends whatever the connection may still hold open: only committed rows remain visible.
      await conn.query('ROLLBACK');
      const rows = await query<unknown[]>(
        conn,
        c.textProtocol,
        'SELECT `id` FROM `CheckIn` WHERE `venueId` = ? AND `id` = ?',
        [v.id, id],
      );
      if (rows.length !== 1) lost += 1;
    } finally {
      await conn.release();
    }
  }
  return lost;
}

/** One read and one create through the venue subgraph's generated Prisma client. */
async function prismaCheck(c: EngineClient, f: Fixture): Promise<{ ok: boolean; error?: string }> {
  // ShardingSphere: text protocol, and the database only in the pool config (passing it as the
  // adapter's schema option makes Prisma qualify columns as db.table.col, which 5.1.0 rejects).
  const adapter = new PrismaMariaDb(c.prismaPool, { useTextProtocol: c.textProtocol });
  const db = new PrismaClient({ adapter });
  try {
    const city = f.venues[0]!.cityCode;
    const venues = await db.venue.findMany({ where: { cityCode: city }, orderBy: { id: 'asc' }, take: 20 });
    if (venues.length !== VENUES_PER_CITY)
      return { ok: false, error: `findMany returned ${venues.length} venues` };
    const now = new Date();
    const created = await db.checkIn.create({
      data: {
        venueId: f.venues[0]!.id,
        id: randomUUID(),
        userId: f.users[0]!.id,
        cityCode: city,
        source: 'GPS',
        counted: false,
        startedAt: now,
        expiresAt: now,
      },
    });
    return { ok: created.venueId === f.venues[0]!.id };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n').slice(-3).join(' ').slice(0, 300) };
  } finally {
    await db.$disconnect();
  }
}

interface FaultResult {
  kind: 'kill' | 'hang';
  victimShard: number;
  firstVictimErrorAfterMs: number | null;
  slowestFailedCallMs: number | null;
  victimErrorsWhileDown: number;
  victimOkWhileDown: number;
  othersOkWhileDown: number;
  othersErrorsWhileDown: number;
  shardBackAfterMs: number;
  firstVictimOkAfterShardBackMs: number | null;
  victimErrorsAfterShardBack: number;
  errorSample: string | null;
  otherShardErrorSample: string | null;
}

/**
 * Check-ins from 4 concurrent callers, alternating between venues on the victim shard and on the
 * others. The victim is SIGKILLed and restarted after `downMs` ('kill'), or SIGSTOPped and
 * continued after `downMs` ('hang': a shard that accepts connections and never answers). The run
 * ends at the first success on the victim's keys after it is back (or 60 s later).
 */
async function fault(
  t: Topologies,
  c: EngineClient,
  f: Fixture,
  victim: number,
  kind: 'kill' | 'hang',
  downMs: number,
): Promise<FaultResult> {
  const onVictim = operations({
    ...f,
    venues: f.venues.filter((v) => shardOfVenueKey(t.layout, v.id) === victim),
  }).checkIn!;
  const onOthers = operations({
    ...f,
    venues: f.venues.filter((v) => shardOfVenueKey(t.layout, v.id) !== victim),
  }).checkIn!;
  type Event = { at: number; victim: boolean; ok: boolean; ms: number; error?: string };
  const events: Event[] = [];
  let stop = false;
  let downAt = Infinity;
  let backAt = Infinity;
  // Two callers on the victim's keys, two on the other shards' keys (a caller waiting on the victim
  // must not hide whether the others keep serving).
  const worker = async (n: number) => {
    const isVictim = n < 2;
    while (!stop) {
      const t0 = performance.now();
      try {
        const ok = await (isVictim ? onVictim : onOthers)(c);
        events.push({ at: performance.now(), victim: isVictim, ok, ms: performance.now() - t0 });
      } catch (error) {
        events.push({
          at: performance.now(),
          victim: isVictim,
          ok: false,
          ms: performance.now() - t0,
          error: (error as Error).message.slice(0, 200),
        });
        // A refused connection fails in microseconds: do not spin.
        await new Promise((r) => setTimeout(r, 20));
      }
      if (backAt !== Infinity && events.some((e) => e.victim && e.ok && e.at > backAt)) stop = true;
      if (performance.now() - downAt > downMs + 60_000) stop = true;
    }
  };
  const workers = [0, 1, 2, 3].map((n) => worker(n));
  await new Promise((r) => setTimeout(r, 2_000));
  const shard = t.shards[victim]!;
  const pid = await mariadbPid(shard);
  downAt = performance.now();
  if (kind === 'kill') {
    await shard.kill();
    await new Promise((r) => setTimeout(r, downMs));
    await shard.start();
  } else {
    process.kill(pid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, downMs));
    process.kill(pid, 'SIGCONT');
  }
  backAt = performance.now();
  await Promise.all(workers);
  const down = events.filter((e) => e.at > downAt && e.at < backAt);
  const victimErrors = down.filter((e) => e.victim && !e.ok);
  const firstError = events.find((e) => e.victim && !e.ok && e.at > downAt);
  const firstOkBack = events.find((e) => e.victim && e.ok && e.at > backAt);
  return {
    kind,
    victimShard: victim,
    firstVictimErrorAfterMs: firstError ? Math.round(firstError.at - downAt) : null,
    slowestFailedCallMs: victimErrors.length ? Math.round(Math.max(...victimErrors.map((e) => e.ms))) : null,
    victimErrorsWhileDown: victimErrors.length,
    victimOkWhileDown: down.filter((e) => e.victim && e.ok).length,
    othersOkWhileDown: down.filter((e) => !e.victim && e.ok).length,
    othersErrorsWhileDown: down.filter((e) => !e.victim && !e.ok).length,
    shardBackAfterMs: Math.round(backAt - downAt),
    firstVictimOkAfterShardBackMs: firstOkBack ? Math.round(firstOkBack.at - backAt) : null,
    victimErrorsAfterShardBack: events.filter((e) => e.victim && !e.ok && e.at > backAt).length,
    errorSample: firstError?.error ?? null,
    otherShardErrorSample: down.find((e) => !e.victim && !e.ok)?.error ?? null,
  };
}

// ---------------------------------------------------------------------------------------------

const step = (what: string) =>
  process.stderr.write(`shards: ${new Date().toISOString().slice(11, 19)} ${what}\n`);
// A signal still runs the exit hooks that stop the servers (infra/instance.ts, the proxy's below).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

step('prerequisites (Spider plugin, ShardingSphere jars)');
await run('bash', [`${root}bench/support/ensure-spider.sh`]);
await run('bash', [`${root}infra/shardingsphere/proxy.sh`, 'fetch']);

// Nothing guessable on a listening port (the proxy binds every interface): the bench's MariaDB
// servers get a random application password, the proxy SHARDINGSPHERE_PASSWORD (≥ 16 characters,
// checked by infra/shardingsphere/config.ts) or a random one.
process.env.MYSQL_PASSWORD = randomBytes(18).toString('base64url');
const proxyPassword = process.env.SHARDINGSPHERE_PASSWORD ?? randomBytes(18).toString('base64url');
const ports = PORT_BASE
  ? Array.from({ length: SHARDS + 3 }, (_, i) => PORT_BASE + i)
  : await Promise.all(Array.from({ length: SHARDS + 3 }, () => freePort()));
const layout = layoutOf(SHARDS);
const loadBefore = loadavg();
step(
  `starting: unsharded, ${SHARDS} shards, Spider front, ShardingSphere-Proxy on ports ${ports.join(', ')}`,
);
const topo = await startTopologies(layout, ports, CONCURRENCY + 4, proxyPassword, step);
try {
  const f = fixture();
  for (const name of ENGINES) {
    step(`seeding through ${name}`);
    await seed(topo.clients[name], f);
  }
  const ops = operations(f);

  type Row = Measured & { generatorMachineShare: number; warmupErrors: number; firstError?: string };
  const measured: Record<string, Record<EngineName, Row>> = {};
  for (const [opName, op] of Object.entries(ops)) {
    const perEngine = {} as Record<EngineName, Row>;
    measured[opName] = perEngine;
    // Back to back per operation, so a change in the machine's load hits all three alike.
    for (const name of ENGINES) {
      step(`${opName} through ${name}`);
      const c = topo.clients[name];
      let firstError: string | undefined;
      const call = () =>
        op(c).catch((error: unknown) => {
          firstError ??= (error as Error).message.slice(0, 300);
          throw error;
        });
      const warmup = await load(WARMUP, CONCURRENCY, call);
      const cpu0 = process.cpuUsage();
      const m = await load(REQUESTS, CONCURRENCY, call);
      const cpu = process.cpuUsage(cpu0);
      perEngine[name] = {
        ...m,
        generatorMachineShare: round((cpu.user + cpu.system) / 1e6 / m.seconds / cpus().length),
        warmupErrors: warmup.errors,
        ...(firstError ? { firstError } : {}),
      };
    }
  }

  // Counts written through each engine: identical, and (sharded) each row on its key's shard.
  const written: Record<EngineName, Record<string, number>> = {} as never;
  for (const name of ENGINES) {
    written[name] = {};
    for (const table of TABLES) written[name][table.name] = await count(topo.clients[name], table.name);
  }
  // Rows the operations that reported success must have left (warm-up and measured runs).
  const succeeded = (op: string, name: EngineName) => {
    const m = measured[op]![name];
    return WARMUP - m.warmupErrors + REQUESTS - m.errors;
  };
  const expected = (name: EngineName): Record<string, number> => ({
    User: USERS + succeeded('signup', name),
    UserLogin: USERS + succeeded('signup', name),
    Venue: f.venues.length,
    BookingSlot: f.slots.length,
    Booking: succeeded('booking', name),
    CheckIn: succeeded('checkIn', name),
    OutboxEvent: succeeded('checkIn', name),
  });
  step('placement on the shards, Prisma, footprint');
  const lostOnUnsharded = TABLES.filter((t) => written.unsharded[t.name] !== expected('unsharded')[t.name]);
  const placement = {
    unshardedCountsMatch: lostOnUnsharded.length === 0,
    spider: await verifyPlacement(layout, topo.direct.spider, written.spider, expected('spider')),
    shardingsphere: await verifyPlacement(
      layout,
      topo.direct.shardingsphere,
      written.shardingsphere,
      expected('shardingsphere'),
    ),
  };

  const prisma = {
    unsharded: await prismaCheck(topo.clients.unsharded, f),
    spider: await prismaCheck(topo.clients.spider, f),
    shardingsphere: await prismaCheck(topo.clients.shardingsphere, f),
  };
  const driverCommitsLostOf20 = {
    unsharded: await driverCommitProbe(topo.clients.unsharded, f),
    spider: await driverCommitProbe(topo.clients.spider, f),
    shardingsphere: await driverCommitProbe(topo.clients.shardingsphere, f),
  };

  const footprint = {
    spiderFront: {
      readyAfterMariadbMs: topo.spiderStartMs,
      rssMb: await rssMb(await mariadbPid(topo.spiderFront)),
    },
    shardingsphereProxy: { startToListenMs: topo.proxy.startMs, rssMb: await rssMb(topo.proxy.pid) },
    oneShardRssMb: await rssMb(await mariadbPid(topo.shards[0]!)),
  };

  if (WITH_FAULT) step('a shard killed under load, per engine');
  const faults = WITH_FAULT
    ? {
        spider: {
          kill: await fault(topo, topo.clients.spider, f, 2, 'kill', 5_000),
          hang: await fault(topo, topo.clients.spider, f, 1, 'hang', 10_000),
        },
        shardingsphere: {
          kill: await fault(topo, topo.clients.shardingsphere, f, 2, 'kill', 5_000),
          hang: await fault(topo, topo.clients.shardingsphere, f, 1, 'hang', 10_000),
        },
      }
    : null;

  const ratios = Object.fromEntries(
    Object.entries(measured).map(([op, m]) => [
      op,
      Object.fromEntries(
        (['spider', 'shardingsphere'] as const).map((e) => [
          e,
          {
            throughput: round(m[e].perSecond / m.unsharded.perSecond),
            p50: round(m[e].p50Ms / m.unsharded.p50Ms),
            p99: round(m[e].p99Ms / m.unsharded.p99Ms),
          },
        ]),
      ),
    ]),
  );

  console.log(
    JSON.stringify(
      {
        bench: 'shards',
        what: 'login/signup/check-in/booking/venue reads through one MariaDB, Spider over 4 shards, ShardingSphere-Proxy 5.1.0 over 4 shards (same shard servers)',
        command: `npm run bench -- shards --requests ${REQUESTS} --concurrency ${CONCURRENCY}`,
        cores: cpus().length,
        loadAverage: { before: loadBefore.map((x) => round(x)), after: loadavg().map((x) => round(x)) },
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        protocol: { unsharded: 'binary', spider: 'binary', shardingsphere: 'text' },
        ratiosToUnsharded: ratios,
        measured,
        placement,
        prisma,
        driverCommitsLostOf20,
        footprint,
        timeouts: { spider: SPIDER_TIMEOUTS, shardingsphereSocketTimeoutMs: SS_SOCKET_TIMEOUT_MS },
        faults,
      },
      (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
      2,
    ),
  );
} finally {
  await topo.close();
}
