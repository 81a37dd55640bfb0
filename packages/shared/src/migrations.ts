import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type mariadb from 'mariadb';
import { withMariadbConnection } from './clients.ts';
import { localService } from './config.ts';
import { PLACEMENTS, partitionClause, type Placement } from './shards.ts';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url);

/** Databases in MariaDB and the subgraph that owns each; nobody else reads their tables. */
export const DATABASES = {
  user: { env: 'USER_DATABASE_URL', fallback: localService.mysql('sv_user') },
  venue: { env: 'VENUE_DATABASE_URL', fallback: localService.mysql('sv_venue') },
} as const;

export type DatabaseName = keyof typeof DATABASES;

export const prismaSchemaPath = (name: DatabaseName) =>
  new URL(`prisma/${name}/schema.prisma`, root).pathname;
export const migrationsDir = (name: DatabaseName) => new URL(`prisma/${name}/migrations`, root).pathname;

export interface ShardServer {
  /** Spider server name on the front: `shard0`, `shard1`, … (the map's shard numbers). */
  name: string;
  host: string;
  port: number;
}

const withoutDatabase = (url: string) => {
  const u = new URL(url);
  u.pathname = '/';
  return u.toString();
};
const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));

/**
 * The shards behind a Spider front, as the front defines them (`CREATE SERVER shardN`, made by
 * infra/infra.sh or the compose file). Empty for a plain MariaDB (no such servers, or no right
 * to read them): then a database is one unsharded database, as before issue 17.
 */
export async function shardServers(frontUrl: string): Promise<ShardServer[]> {
  return withMariadbConnection(withoutDatabase(frontUrl), async (conn) => {
    try {
      const rows: Array<{ Server_name: string; Host: string; Port: number }> = await conn.query(
        `SELECT Server_name, Host, Port FROM mysql.servers WHERE Server_name RLIKE '^shard[0-9]+$'`,
      );
      return rows
        .map((r) => ({ name: r.Server_name, host: r.Host, port: Number(r.Port) }))
        .sort((a, b) => Number(a.name.slice(5)) - Number(b.name.slice(5)));
    } catch (err) {
      const code = (err as { errno?: number }).errno;
      if (code === 1142 || code === 1143 || code === 1146) return []; // no access / no table
      throw err;
    }
  });
}

/** The URL of `database` on one shard, with the front URL's credentials. */
export function shardUrl(frontUrl: string, shard: ShardServer): string {
  const u = new URL(frontUrl);
  u.hostname = shard.host;
  u.port = String(shard.port);
  return u.toString();
}

async function dbmateUp(name: DatabaseName, databaseUrl: string): Promise<string[]> {
  const dbmate = new URL('node_modules/.bin/dbmate', root).pathname;
  const args = ['--url', databaseUrl, '--migrations-dir', migrationsDir(name), '--no-dump-schema'];
  const { stdout } = await run(dbmate, [...args, '--wait', '--wait-timeout', '30s', 'up'], {
    env: { ...process.env, DATABASE_URL: '' },
  });
  return stdout.split('\n').filter((line) => line.startsWith('Applying'));
}

/**
 * Creates the database if needed and applies pending SQL migrations with dbmate (Prisma Migrate
 * needs a native engine that cannot be installed here; see docs/decisions). Behind a Spider front
 * the migrations run on every shard, then the front's tables are (re)generated from the shards'
 * (docs/decisions/0021). Safe to repeat.
 */
export async function migrate(name: DatabaseName, databaseUrl: string): Promise<string[]> {
  const shards = await shardServers(databaseUrl);
  if (shards.length === 0) return dbmateUp(name, databaseUrl);
  const applied: string[] = [];
  for (const shard of shards) {
    for (const line of await dbmateUp(name, shardUrl(databaseUrl, shard)))
      applied.push(`${shard.name}: ${line}`);
  }
  await buildFront(name, databaseUrl, shards.length);
  return applied;
}

const TABLE_FILTER = `TABLE_SCHEMA = ? AND TABLE_NAME <> 'schema_migrations'`;

/**
 * A front table for a shard table: the same columns and indexes, ENGINE=SPIDER, partitioned by
 * the shard map with one shard server per partition. Foreign keys go (no FK spans shards);
 * primary and unique keys get the partition column appended where they lack it (MariaDB requires
 * it, error 1503) — the shards still enforce the original keys on their rows, and global
 * uniqueness of values without the owner key is IdentityLookup's job.
 */
export function frontTableDdl(
  shardDdl: string,
  database: string,
  table: string,
  placement: Placement,
  shards: number,
) {
  const lines = shardDdl.split('\n');
  const head = lines[0]!;
  const body = lines.slice(1, -1).map((l) => l.trim().replace(/,$/, ''));
  const column = `\`${placement.column}\``;
  const defs = body
    .filter((l) => !/^CONSTRAINT .* FOREIGN KEY/.test(l))
    .map((l) => {
      const key = /^(PRIMARY KEY|UNIQUE KEY `[^`]+`) \((.*)\)(.*)$/.exec(l);
      if (!key || key[2]!.split(',').includes(column)) return l;
      return `${key[1]} (${key[2]},${column})${key[3]}`;
    });
  const comment = `wrapper "mysql", database "${database}", table "${table}"`;
  return `${head}\n  ${defs.join(',\n  ')}\n) ENGINE=SPIDER DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='${comment}'\n${partitionClause(placement, shards)}`;
}

async function buildFront(name: DatabaseName, frontUrl: string, shardCount: number) {
  const database = databaseOf(frontUrl);
  const shard0 = (await shardServers(frontUrl))[0]!;
  const placements = PLACEMENTS[name]!;
  const wanted = await withMariadbConnection(shardUrl(frontUrl, shard0), async (conn) => {
    const tables: Array<{ TABLE_NAME: string }> = await conn.query(
      `SELECT TABLE_NAME FROM information_schema.TABLES WHERE ${TABLE_FILTER} ORDER BY TABLE_NAME`,
      [database],
    );
    const ddl = new Map<string, string>();
    for (const { TABLE_NAME: table } of tables) {
      const placement = placements[table];
      if (!placement)
        throw new Error(`table ${table} of ${name} has no placement in packages/shared/src/shards.ts`);
      const [row] = await conn.query(`SHOW CREATE TABLE \`${table}\``);
      ddl.set(table, frontTableDdl(row['Create Table'], database, table, placement, shardCount));
    }
    return ddl;
  });
  const version = `spider-front:${createHash('sha256')
    .update(JSON.stringify([...wanted]))
    .digest('hex')
    .slice(0, 16)}`;
  await withMariadbConnection(withoutDatabase(frontUrl), async (conn) => {
    // Spider tables hold no rows, so rebuilding them loses nothing; the lock keeps two migrating
    // processes from interleaving DROP and CREATE.
    await conn.query(`SELECT GET_LOCK(?, 60)`, [`sv-front:${database}`]);
    try {
      await conn.query(
        `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      const [meta] = await conn.query(
        `SELECT SCHEMA_COMMENT AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`,
        [database],
      );
      if (meta?.c === version) return;
      await rebuildFront(conn, database, wanted);
      await conn.query(`ALTER DATABASE \`${database}\` COMMENT = ?`, [version]);
    } finally {
      await conn.query(`SELECT RELEASE_LOCK(?)`, [`sv-front:${database}`]);
    }
  });
}

async function rebuildFront(conn: mariadb.Connection, database: string, wanted: Map<string, string>) {
  const existing: Array<{ TABLE_NAME: string; ENGINE: string }> = await conn.query(
    `SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE ${TABLE_FILTER}`,
    [database],
  );
  // Only Spider tables are rebuilt: a table with rows of its own on the front is data from before
  // sharding (a state dir from an older checkout), which must never be dropped silently.
  const local = existing.filter((t) => t.ENGINE !== 'SPIDER');
  if (local.length > 0)
    throw new Error(
      `${database} on the Spider front holds ${local[0]!.ENGINE} tables from before sharding (${local.map((t) => t.TABLE_NAME).join(', ')}); ` +
        `move their rows to the shards or drop the database (e.g. npm run infra:down && rm -rf <state dir>/mariadb), then migrate again (docs/decisions/0021)`,
    );
  await conn.query(`USE \`${database}\``);
  for (const { TABLE_NAME: table } of existing) await conn.query(`DROP TABLE IF EXISTS \`${table}\``);
  for (const ddl of wanted.values()) await conn.query(ddl);
}

/** Drops a database on the front and, behind a Spider front, on every shard. */
export async function dropDatabase(frontUrl: string, database: string): Promise<void> {
  const drop = (url: string) =>
    withMariadbConnection(withoutDatabase(url), (conn) =>
      conn.query(`DROP DATABASE IF EXISTS \`${database}\``),
    );
  for (const shard of await shardServers(frontUrl)) await drop(shardUrl(frontUrl, shard));
  await drop(frontUrl);
}
