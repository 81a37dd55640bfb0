import { createLogger, gracefulShutdown, loadConfig, requestInfo, startSubgraph } from '@sport-venue/shared';
import { userConfigSchema, type UserConfig } from './config.ts';
import { createResolvers } from './resolvers.ts';
import { createUserDb } from './user-store.ts';

export async function startUserSubgraph(config: UserConfig) {
  const logger = createLogger('user', config.LOG_LEVEL);
  const db = createUserDb(config.USER_DATABASE_URL);
  const running = await startSubgraph(
    {
      name: 'user',
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers: createResolvers(db),
      context: (req) => requestInfo(req),
      readiness: { mariadb: () => db.$queryRaw`SELECT 1` },
      logger,
      production: config.NODE_ENV === 'production',
    },
    config.USER_PORT,
    config.BIND_HOST,
  );
  return {
    ...running,
    db,
    async stop() {
      await running.stop();
      await db.$disconnect();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(userConfigSchema);
  const app = await startUserSubgraph(config);
  gracefulShutdown(createLogger('user', config.LOG_LEVEL)).register('user subgraph', () => app.stop());
}
