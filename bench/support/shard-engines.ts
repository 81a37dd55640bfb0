// The three MySQL topologies the sharding bench compares, each started on its own ports with the
// project's infra (infra/instance.ts → infra/infra.sh, infra/shardingsphere/proxy.sh):
//   unsharded       one MariaDB, the tables as InnoDB
//   spider          a MariaDB front with the Spider engine, partitions on the shard servers
//   shardingsphere  ShardingSphere-Proxy 5.1.0 over the shard servers
// The shard servers are shared by both engines (one database each: sv_spider, sv_ss), so both see
// the same machines; they are measured one after the other.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mariadb from 'mariadb';
import { startIsolated, type IsolatedInstance } from '../../infra/instance.ts';
import {
  writeShardingSphereConfig,
  type ShardingSphereConfig,
  type TableRule,
} from '../../infra/shardingsphere/config.ts';
import { innodbDdl, spiderDdl, TABLES, type ShardLayout } from './shard-layout.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const PROXY_SH = path.join(root, 'infra/shardingsphere/proxy.sh');

export type EngineName = 'unsharded' | 'spider' | 'shardingsphere';

/** A client of one topology: the project's driver, binary protocol unless the engine needs text. */
export interface EngineClient {
  name: EngineName;
  pool: mariadb.Pool;
  /** ShardingSphere 5.1.0 mishandles the binary protocol (NullPointerException, DATETIME). */
  textProtocol: boolean;
  url: string;
  /** Settings for a Prisma mariadb adapter's own pool on this engine. */
  prismaPool: PlainPoolConfig;
}

export async function query<T = unknown>(
  c: mariadb.Pool | mariadb.PoolConnection,
  textProtocol: boolean,
  sql: string,
  params: unknown[] = [],
): Promise<T> {
  return (textProtocol ? c.query(sql, params) : c.execute(sql, params)) as Promise<T>;
}

export interface Credentials {
  user: string;
  password: string;
}

export function credentialsOf(inst: IsolatedInstance): Credentials {
  const u = new URL(inst.url);
  return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** SQL as MariaDB root over the instance's unix socket (unix_socket authentication). */
export async function rootSql(inst: IsolatedInstance, sql: string): Promise<string> {
  const socket = path.join(inst.stateDir, 'mariadb', 'mysqld.sock');
  const { stdout } = await run('mariadb', [
    '--no-defaults',
    `--socket=${socket}`,
    '--user=root',
    '--batch',
    '-N',
    '-e',
    sql,
  ]);
  return stdout;
}

/** Pool settings of plain values (assignable to the adapter's own copy of the driver's types). */
export interface PlainPoolConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
  connectionLimit: number;
  connectTimeout: number;
  acquireTimeout: number;
  timezone: string;
}

export function poolFor(
  host: string,
  port: number,
  creds: Credentials,
  database: string | undefined,
  size: number,
): PlainPoolConfig {
  return {
    host,
    port,
    user: creds.user,
    password: creds.password,
    ...(database ? { database } : {}),
    connectionLimit: size,
    connectTimeout: 3_000,
    acquireTimeout: 5_000,
    // As the project's adapter (packages/shared mariadbAdapter): no client-side query timeout, so a
    // hung shard shows the engine's own timeout.
    timezone: 'Z',
  };
}

async function runDdl(cfg: mariadb.ConnectionConfig, database: string, ddl: string[]) {
  const conn = await mariadb.createConnection(cfg);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`USE \`${database}\``);
    for (const statement of ddl) await conn.query(statement);
  } finally {
    await conn.end();
  }
}

/** Reads VmRSS of a pid (kB → MB). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

export async function mariadbPid(inst: IsolatedInstance): Promise<number> {
  return Number((await readFile(path.join(inst.stateDir, 'run', 'mariadb.pid'), 'utf8')).trim());
}

export interface Topologies {
  layout: ShardLayout;
  unsharded: IsolatedInstance;
  shards: IsolatedInstance[];
  spiderFront: IsolatedInstance;
  proxy: { port: number; stateDir: string; pid: number; startMs: number };
  spiderStartMs: number;
  clients: Record<EngineName, EngineClient>;
  /** Direct pools to each shard's database of an engine (placement checks). */
  direct: { spider: mariadb.Pool[]; shardingsphere: mariadb.Pool[] };
  stopProxy(): Promise<void>;
  close(): Promise<void>;
}

export const SPIDER_DB = 'sv_spider';
export const SS_DB = 'sv_ss';
export const BENCH_DB = 'sv_bench';
export const SS_SCHEMA = 'sv_bench';

/** Spider's own timeouts toward a shard (its defaults wait 600 s on a hung shard). */
export const SPIDER_TIMEOUTS = {
  spider_connect_timeout: 2,
  spider_net_read_timeout: 5,
  spider_net_write_timeout: 5,
};
/** The proxy's JDBC socket timeout toward a shard, the same 5 s. */
export const SS_SOCKET_TIMEOUT_MS = 5_000;

export function ssTableRules(layout: ShardLayout): TableRule[] {
  return TABLES.map((t): TableRule => {
    switch (t.strategy) {
      case 'user-range':
        return { table: t.name, column: t.column, algorithm: 'range', boundaries: layout.userIdBoundaries };
      case 'city-range':
        return { table: t.name, column: t.column, algorithm: 'range', boundaries: layout.cityCodeBoundaries };
      case 'venue-mod':
      case 'login-mod':
        return { table: t.name, column: t.column, algorithm: 'mod' };
    }
  });
}

export function ssConfig(
  layout: ShardLayout,
  shards: { port: number; creds: Credentials }[],
  proxyCreds: Credentials,
): ShardingSphereConfig {
  return {
    schemaName: SS_SCHEMA,
    user: proxyCreds.user,
    password: proxyCreds.password,
    shards: shards.map((s) => ({ host: '127.0.0.1', port: s.port, database: SS_DB, ...s.creds })),
    tables: ssTableRules(layout),
    bindingTables: [['BookingSlot', 'Booking', 'CheckIn', 'OutboxEvent']],
    maxPoolSize: 24,
    socketTimeoutMs: SS_SOCKET_TIMEOUT_MS,
  };
}

/**
 * Starts everything: the reference, the shard servers, the Spider front (plugin, servers, tables) and
 * the proxy (config generated from the same layout). `ports`: reference, shards…, spider front, proxy.
 */
export async function startTopologies(
  layout: ShardLayout,
  ports: number[],
  poolSize: number,
  proxyPassword: string,
  step: (what: string) => void = () => undefined,
): Promise<Topologies> {
  const started: IsolatedInstance[] = [];
  const proxyState = await mkdtemp(path.join(tmpdir(), 'sv-ss-'));
  const proxyPort = ports[layout.shards + 2]!;
  const proxyEnv = {
    ...process.env,
    SV_STATE_DIR: proxyState,
    SHARDINGSPHERE_PORT: String(proxyPort),
    SHARDINGSPHERE_CONF_DIR: path.join(proxyState, 'conf-src'),
  };
  const stopProxy = async () => {
    await run('bash', [PROXY_SH, 'down'], { env: proxyEnv }).catch(() => undefined);
  };
  // Like infra/instance.ts for the MariaDB servers: an exit (or a signal turned into one) stops the proxy.
  const stopProxySync = () => {
    try {
      execFileSync('bash', [PROXY_SH, 'down'], { env: proxyEnv, stdio: 'ignore' });
      rmSync(proxyState, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  };
  process.once('exit', stopProxySync);
  try {
    const all = await Promise.all(
      ports.slice(0, layout.shards + 2).map(async (port) => {
        const inst = await startIsolated('mariadb', { port });
        started.push(inst);
        return inst;
      }),
    );
    step('MariaDB servers up; creating the databases');
    const unsharded = all[0]!;
    const shards = all.slice(1, layout.shards + 1);
    const spiderFront = all[layout.shards + 1]!;
    const creds = credentialsOf(unsharded);
    const host = '127.0.0.1';
    const admin = (port: number): mariadb.ConnectionConfig => ({
      host,
      port,
      user: creds.user,
      password: creds.password,
      connectTimeout: 5_000,
    });

    await runDdl(admin(unsharded.port), BENCH_DB, innodbDdl());
    for (const shard of shards) {
      await runDdl(admin(shard.port), SPIDER_DB, innodbDdl());
      await runDdl(admin(shard.port), SS_DB, innodbDdl());
    }

    step('Spider front: plugin, servers, tables');
    // Spider front: the plugin, one SERVER per shard, the partitioned tables.
    const t0 = performance.now();
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "''");
    const servers = shards
      .map(
        (s, i) =>
          `CREATE OR REPLACE SERVER s${i} FOREIGN DATA WRAPPER mysql OPTIONS (HOST '${host}', PORT ${s.port}, USER '${esc(creds.user)}', PASSWORD '${esc(creds.password)}', DATABASE '${SPIDER_DB}');`,
      )
      .join('\n');
    const timeouts = Object.entries(SPIDER_TIMEOUTS)
      .map(([k, v]) => `SET GLOBAL ${k} = ${v};`)
      .join('\n');
    await rootSql(spiderFront, `INSTALL SONAME 'ha_spider';`).catch((error: Error) => {
      if (!/already installed|exists/i.test(error.message)) throw error;
    });
    await rootSql(spiderFront, `${timeouts}\n${servers}`);
    await rootSql(
      spiderFront,
      `DROP DATABASE IF EXISTS ${BENCH_DB}; CREATE DATABASE ${BENCH_DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; USE ${BENCH_DB};\n` +
        spiderDdl(layout, (i) => `s${i}`)
          .map((s) => `${s};`)
          .join('\n'),
    );
    const spiderStartMs = Math.round(performance.now() - t0);

    step('ShardingSphere-Proxy: config, start');
    // ShardingSphere-Proxy over the same shard servers (their sv_ss databases).
    const proxyCreds = { user: 'svbench', password: proxyPassword };
    await writeShardingSphereConfig(
      proxyEnv.SHARDINGSPHERE_CONF_DIR,
      ssConfig(
        layout,
        shards.map((s) => ({ port: s.port, creds })),
        proxyCreds,
      ),
    );
    const p0 = performance.now();
    await run('bash', [PROXY_SH, 'up'], { env: proxyEnv });
    const proxyStartMs = Math.round(performance.now() - p0);
    const proxyPid = Number(
      (await readFile(path.join(proxyState, 'shardingsphere', 'proxy.pid'), 'utf8')).trim(),
    );

    step(`proxy listening after ${proxyStartMs} ms`);
    const client = (
      name: EngineName,
      port: number,
      c: Credentials,
      database: string | undefined,
      textProtocol: boolean,
    ): EngineClient => {
      const cfg = poolFor(host, port, c, database, poolSize);
      return {
        name,
        pool: mariadb.createPool(cfg),
        textProtocol,
        url: `mysql://${host}:${port}/${database ?? ''}`,
        prismaPool: cfg,
      };
    };
    const clients: Record<EngineName, EngineClient> = {
      unsharded: client('unsharded', unsharded.port, creds, BENCH_DB, false),
      spider: client('spider', spiderFront.port, creds, BENCH_DB, false),
      // The proxy's logical database is selected by the pool's `database` (a connection setting,
      // which 5.1.0 handles); Prisma must not get it as the adapter's schema option (see 0020).
      shardingsphere: client('shardingsphere', proxyPort, proxyCreds, SS_SCHEMA, true),
    };
    const direct = {
      spider: shards.map((s) => mariadb.createPool(poolFor(host, s.port, creds, SPIDER_DB, 2))),
      shardingsphere: shards.map((s) => mariadb.createPool(poolFor(host, s.port, creds, SS_DB, 2))),
    };
    return {
      layout,
      unsharded,
      shards,
      spiderFront,
      proxy: { port: proxyPort, stateDir: proxyState, pid: proxyPid, startMs: proxyStartMs },
      spiderStartMs,
      clients,
      direct,
      stopProxy,
      async close() {
        for (const c of Object.values(clients)) await c.pool.end().catch(() => undefined);
        for (const p of [...direct.spider, ...direct.shardingsphere]) await p.end().catch(() => undefined);
        await stopProxy();
        await rm(proxyState, { recursive: true, force: true });
        await Promise.all(started.map((i) => i.destroy().catch(() => undefined)));
      },
    };
  } catch (error) {
    await stopProxy();
    await rm(proxyState, { recursive: true, force: true });
    await Promise.all(started.map((i) => i.destroy().catch(() => undefined)));
    throw error;
  }
}
