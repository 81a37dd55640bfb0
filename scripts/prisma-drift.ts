// Compares a migrated database with its schema.prisma (through Prisma's offline DMMF) and lists
// every difference: missing or extra tables and columns, types, nullability, keys, indexes and
// foreign keys. Migrations are hand-written SQL, so this is what keeps them honest.
import wasm from '@prisma/prisma-schema-wasm';
import { withMariadbConnection } from '@sport-venue/shared';
import { shardServers, shardUrl } from '@sport-venue/shared/migrations';
import { readFileSync } from 'node:fs';

interface DmmfField {
  name: string;
  kind: 'scalar' | 'object' | 'enum';
  type: string;
  isRequired: boolean;
  isList: boolean;
  dbName?: string | null;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: Array<{ name: string }>;
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: Array<{ name: string; values: Array<{ name: string }> }>;
    indexes: DmmfIndex[];
  };
}

export function readDmmf(schemaPath: string | URL): Dmmf {
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: readFileSync(schemaPath, 'utf8') })));
}

/** The column type Prisma expects on MySQL/MariaDB, in information_schema's COLUMN_TYPE form. */
export function expectedColumnType(field: DmmfField, enums: Dmmf['datamodel']['enums']): string[] {
  const native = field.nativeType;
  if (native) {
    const [name, args] = native;
    const lower = name.toLowerCase();
    return [args.length ? `${lower}(${args.join(',')})` : lower];
  }
  switch (field.type) {
    case 'String':
      return ['varchar(191)'];
    case 'Int':
      return ['int(11)', 'int'];
    case 'BigInt':
      return ['bigint(20)', 'bigint'];
    case 'Float':
      return ['double'];
    case 'Decimal':
      return ['decimal(65,30)'];
    case 'Boolean':
      return ['tinyint(1)'];
    case 'DateTime':
      return ['datetime(3)'];
    case 'Json':
      // MariaDB implements JSON as LONGTEXT with a JSON_VALID check.
      return ['json', 'longtext'];
    case 'Bytes':
      return ['longblob'];
  }
  const enumDef = enums.find((e) => e.name === field.type);
  if (enumDef) return [`enum(${enumDef.values.map((v) => `'${v.name}'`).join(',')})`];
  return [`<unknown ${field.type}>`];
}

/**
 * Behind a Spider front (docs/decisions/0021) every shard must match the schema in full, and the
 * front must have the same tables and columns as Spider tables (its keys are derived: partition
 * column appended, no foreign keys). Problems name the shard they were found on.
 */
export async function checkDrift(schemaPath: string | URL, databaseUrl: string): Promise<string[]> {
  const shards = await shardServers(databaseUrl);
  if (shards.length === 0) return checkDatabase(schemaPath, databaseUrl, 'full');
  const problems: string[] = [];
  for (const shard of shards) {
    for (const p of await checkDatabase(schemaPath, shardUrl(databaseUrl, shard), 'full'))
      problems.push(`${shard.name}: ${p}`);
  }
  for (const p of await checkDatabase(schemaPath, databaseUrl, 'front')) problems.push(`front: ${p}`);
  return problems;
}

async function checkDatabase(schemaPath: string | URL, databaseUrl: string, scope: 'full' | 'front') {
  const dmmf = readDmmf(schemaPath);
  const relationModePrisma = /relationMode\s*=\s*"prisma"/.test(readFileSync(schemaPath, 'utf8'));
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  return withMariadbConnection(databaseUrl, async (conn) => {
    const columns: Array<{
      TABLE_NAME: string;
      COLUMN_NAME: string;
      COLUMN_TYPE: string;
      IS_NULLABLE: string;
    }> = await conn.query(
      'SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?',
      [database],
    );
    const stats: Array<{
      TABLE_NAME: string;
      INDEX_NAME: string;
      NON_UNIQUE: number | bigint;
      COLUMN_NAME: string;
      SEQ_IN_INDEX: number | bigint;
    }> = await conn.query(
      'SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SEQ_IN_INDEX FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
      [database],
    );
    const fks: Array<{
      TABLE_NAME: string;
      CONSTRAINT_NAME: string;
      COLUMN_NAME: string;
      REFERENCED_TABLE_NAME: string;
    }> = await conn.query(
      'SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL',
      [database],
    );
    if (scope === 'front') {
      const engines: Array<{ TABLE_NAME: string; ENGINE: string }> = await conn.query(
        "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> 'schema_migrations'",
        [database],
      );
      const problems = compare(dmmf, columns, [], [], { keys: false, relationModePrisma });
      for (const t of engines)
        if (t.ENGINE !== 'SPIDER') problems.push(`table ${t.TABLE_NAME} is ${t.ENGINE}, expected SPIDER`);
      return problems;
    }
    return compare(dmmf, columns, stats, fks, { keys: true, relationModePrisma });
  });
}

function compare(
  dmmf: Dmmf,
  columns: Array<{ TABLE_NAME: string; COLUMN_NAME: string; COLUMN_TYPE: string; IS_NULLABLE: string }>,
  stats: Array<{ TABLE_NAME: string; INDEX_NAME: string; NON_UNIQUE: number | bigint; COLUMN_NAME: string }>,
  fks: Array<{
    TABLE_NAME: string;
    CONSTRAINT_NAME: string;
    COLUMN_NAME: string;
    REFERENCED_TABLE_NAME: string;
  }>,
  options: { keys: boolean; relationModePrisma: boolean },
): string[] {
  const problems: string[] = [];
  const tables = new Map<string, Map<string, { type: string; nullable: boolean }>>();
  for (const c of columns) {
    if (!tables.has(c.TABLE_NAME)) tables.set(c.TABLE_NAME, new Map());
    tables.get(c.TABLE_NAME)!.set(c.COLUMN_NAME, { type: c.COLUMN_TYPE, nullable: c.IS_NULLABLE === 'YES' });
  }
  const indexes = new Map<string, { table: string; unique: boolean; columns: string[] }>();
  for (const s of stats) {
    const key = `${s.TABLE_NAME}.${s.INDEX_NAME}`;
    const entry = indexes.get(key) ?? {
      table: s.TABLE_NAME,
      unique: Number(s.NON_UNIQUE) === 0,
      columns: [],
    };
    entry.columns.push(s.COLUMN_NAME);
    indexes.set(key, entry);
  }

  const modelTables = new Set<string>();
  const columnName = (model: DmmfModel, fieldName: string) =>
    model.fields.find((f) => f.name === fieldName)?.dbName ?? fieldName;

  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    modelTables.add(table);
    const actual = tables.get(table);
    if (!actual) {
      problems.push(`table ${table} is missing`);
      continue;
    }
    const expectedColumns = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const column = field.dbName ?? field.name;
      expectedColumns.add(column);
      const got = actual.get(column);
      if (!got) {
        problems.push(`column ${table}.${column} is missing`);
        continue;
      }
      const want = expectedColumnType(field, dmmf.datamodel.enums);
      // Type names compare case-insensitively; enum values exactly (they are data).
      const same = (w: string) => (w.startsWith('enum(') ? w === got.type : w === got.type.toLowerCase());
      if (!want.some(same))
        problems.push(`column ${table}.${column} is ${got.type}, schema expects ${want[0]}`);
      if (got.nullable === field.isRequired) {
        problems.push(
          `column ${table}.${column} is ${got.nullable ? 'NULL' : 'NOT NULL'}, schema expects ${field.isRequired ? 'NOT NULL' : 'NULL'}`,
        );
      }
    }
    for (const column of actual.keys()) {
      if (!expectedColumns.has(column)) problems.push(`column ${table}.${column} is not in schema.prisma`);
    }
    // relationMode = "prisma": relations are Prisma's alone, no foreign key may exist (sharding).
    if (options.relationModePrisma && options.keys) {
      for (const fk of new Set(fks.filter((f) => f.TABLE_NAME === table).map((f) => f.CONSTRAINT_NAME)))
        problems.push(`foreign key ${fk} exists, but relationMode is "prisma" (no foreign keys)`);
    }
    for (const field of model.fields) {
      if (options.relationModePrisma || !options.keys) continue;
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const from = field.relationFromFields.map((f) => columnName(model, f));
      const name = `${table}_${from.join('_')}_fkey`;
      const target = dmmf.datamodel.models.find((m) => m.name === field.type);
      const targetTable = target?.dbName ?? field.type;
      const constraint = fks.filter((fk) => fk.TABLE_NAME === table && fk.CONSTRAINT_NAME === name);
      if (constraint.length === 0) problems.push(`foreign key ${name} is missing`);
      else if (constraint[0]!.REFERENCED_TABLE_NAME !== targetTable)
        problems.push(
          `foreign key ${name} references ${constraint[0]!.REFERENCED_TABLE_NAME}, expected ${targetTable}`,
        );
    }
  }

  for (const index of options.keys ? dmmf.datamodel.indexes : []) {
    const model = dmmf.datamodel.models.find((m) => m.name === index.model)!;
    const table = model.dbName ?? model.name;
    const cols = index.fields.map((f) => columnName(model, f.name));
    if (index.type === 'id') {
      const pk = indexes.get(`${table}.PRIMARY`);
      if (!pk || pk.columns.join() !== cols.join())
        problems.push(`primary key of ${table} should be (${cols.join(', ')})`);
      continue;
    }
    const suffix = index.type === 'unique' ? 'key' : 'idx';
    const name = index.dbName ?? `${table}_${cols.join('_')}_${suffix}`;
    const got = indexes.get(`${table}.${name}`);
    if (!got) problems.push(`index ${name} on ${table}(${cols.join(', ')}) is missing`);
    else if (got.columns.join() !== cols.join())
      problems.push(`index ${name} covers (${got.columns.join(', ')}), expected (${cols.join(', ')})`);
    else if (got.unique !== (index.type === 'unique'))
      problems.push(`index ${name} should ${index.type === 'unique' ? '' : 'not '}be unique`);
  }

  for (const table of tables.keys()) {
    if (!modelTables.has(table) && table !== 'schema_migrations')
      problems.push(`table ${table} is not in schema.prisma`);
  }
  return problems;
}

if (import.meta.main) {
  // `npm run drift`: migrate a throwaway database per schema and compare.
  const { DATABASES, prismaSchemaPath } = await import('@sport-venue/shared/migrations');
  const { createTestDatabase } = await import('@sport-venue/shared/testing');
  let failed = false;
  for (const name of Object.keys(DATABASES) as Array<keyof typeof DATABASES>) {
    const db = await createTestDatabase(name);
    try {
      const problems = await checkDrift(prismaSchemaPath(name), db.url);
      console.log(
        problems.length
          ? `${name}: drift\n${problems.map((p) => `  - ${p}`).join('\n')}`
          : `${name}: no drift`,
      );
      failed ||= problems.length > 0;
    } finally {
      await db.drop();
    }
  }
  process.exit(failed ? 1 : 0);
}
