import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { localService } from './config.ts';

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

/**
 * Creates the database if needed and applies pending SQL migrations with dbmate (Prisma Migrate
 * needs a native engine that cannot be installed here; see docs/decisions). Safe to repeat.
 */
export async function migrate(name: DatabaseName, databaseUrl: string): Promise<string[]> {
  const dbmate = new URL('node_modules/.bin/dbmate', root).pathname;
  const args = ['--url', databaseUrl, '--migrations-dir', migrationsDir(name), '--no-dump-schema'];
  const { stdout } = await run(dbmate, [...args, '--wait', '--wait-timeout', '30s', 'up'], {
    env: { ...process.env, DATABASE_URL: '' },
  });
  return stdout.split('\n').filter((line) => line.startsWith('Applying'));
}
