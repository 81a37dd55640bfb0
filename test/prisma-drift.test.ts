// schema.prisma and the hand-written SQL migrations must describe the same tables.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withMariadbConnection } from '@sport-venue/shared';
import { prismaSchemaPath, shardServers, shardUrl, type DatabaseName } from '@sport-venue/shared/migrations';
import { createTestDatabase } from '@sport-venue/shared/testing';
import { checkDrift } from '../scripts/prisma-drift.ts';

const exec = (databaseUrl: string, sql: string) =>
  withMariadbConnection(databaseUrl, (conn) => conn.query(sql));

describe('prisma drift check', () => {
  for (const name of ['user', 'venue'] as DatabaseName[]) {
    it(`a freshly migrated ${name} database matches schema.prisma`, async () => {
      const db = await createTestDatabase(name);
      try {
        assert.deepEqual(await checkDrift(prismaSchemaPath(name), db.url), []);
      } finally {
        await db.drop();
      }
    });
  }

  it('reports a column whose type, nullability or presence differs, and a missing index, on the shard that has it', async () => {
    const db = await createTestDatabase('user');
    try {
      // Behind the Spider front the rows' tables are the last shard's: drift there must show.
      const shards = await shardServers(db.url);
      const last = shards.at(-1);
      const target = last ? shardUrl(db.url, last) : db.url;
      const on = last ? `${last.name}: ` : '';
      await exec(target, 'ALTER TABLE `User` MODIFY `nickname` VARCHAR(64) NOT NULL DEFAULT ""');
      await exec(target, 'ALTER TABLE `User` DROP INDEX `User_unionid_key`');
      await exec(target, 'ALTER TABLE `User` ADD COLUMN `legacy` INT NULL');
      const problems = await checkDrift(prismaSchemaPath('user'), db.url);
      assert.deepEqual(problems.sort(), [
        `${on}column User.legacy is not in schema.prisma`,
        `${on}column User.nickname is NOT NULL, schema expects NULL`,
        `${on}column User.nickname is varchar(64), schema expects varchar(191)`,
        `${on}index User_unionid_key on User(unionid) is missing`,
      ]);
    } finally {
      await db.drop();
    }
  });
});
