// Bootstraps the first console admin (only admins can create accounts through the API):
//   ADMIN_USERNAME=ops ADMIN_PASSWORD='…' node subgraphs/user/src/create-admin.ts
// The password comes from the environment, not the command line, so it stays out of `ps` and
// shell history. Uses USER_DATABASE_URL and PASSWORD_SCRYPT_LOG_N like the subgraph.
import { isUniqueViolation, loadConfig } from '@sport-venue/shared';
import { userConfigSchema } from './config.ts';
import { createAdmin } from './operators.ts';
import { createUserDb } from './user-store.ts';

const config = loadConfig(userConfigSchema);
const username = process.env.ADMIN_USERNAME;
const password = process.env.ADMIN_PASSWORD;
if (!username || !password) {
  process.stderr.write('set ADMIN_USERNAME and ADMIN_PASSWORD\n');
  process.exit(64);
}
const db = createUserDb(config.USER_DATABASE_URL, 1);
try {
  const admin = await createAdmin(
    db,
    { username, password },
    {
      scryptLogN: config.PASSWORD_SCRYPT_LOG_N,
      maxFailures: config.OPERATOR_MAX_FAILED_LOGINS,
      lockoutMinutes: config.OPERATOR_LOCKOUT_MINUTES,
    },
  );
  process.stdout.write(`admin ${username} created (user id ${admin.id})\n`);
} catch (err) {
  const taken =
    isUniqueViolation(err) ||
    (err as { extensions?: { code?: unknown } }).extensions?.code === 'ALREADY_EXISTS';
  const reason = taken ? 'that username is taken' : err instanceof Error ? err.message : String(err);
  process.stderr.write(`could not create admin: ${reason}\n`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
