// `npm run migrate [user|venue]`: brings each subgraph's MariaDB database to the latest migration.
import { DATABASES, migrate, type DatabaseName } from '@sport-venue/shared/migrations';

const requested = process.argv.slice(2);
const names = (requested.length ? requested : Object.keys(DATABASES)) as DatabaseName[];
for (const name of names) {
  const spec = DATABASES[name];
  if (!spec) {
    console.error(`unknown database "${name}"; expected one of ${Object.keys(DATABASES).join(', ')}`);
    process.exit(2);
  }
  const url = process.env[spec.env] || spec.fallback;
  try {
    const applied = await migrate(name, url);
    console.log(`${name}: ${applied.length ? `applied ${applied.length} migration(s)` : 'up to date'}`);
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    console.error(`${name}: migration failed (${spec.env}): ${detail}`);
    process.exit(1);
  }
}
