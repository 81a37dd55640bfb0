import {
  createLogger,
  createRedis,
  gracefulShutdown,
  loadConfig,
  requestInfo,
  startSubgraph,
} from '@sport-venue/shared';
import { venueConfigSchema, type VenueConfig } from './config.ts';
import { createLoaders } from './context.ts';
import { createResolvers } from './resolvers.ts';
import { createVenueDb } from './venue-store.ts';

export async function startVenueSubgraph(config: VenueConfig) {
  const logger = createLogger('venue', config.LOG_LEVEL);
  const db = createVenueDb(config.VENUE_DATABASE_URL);
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const running = await startSubgraph(
    {
      name: 'venue',
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers: createResolvers(db),
      context: (req) => ({ ...requestInfo(req), ...createLoaders(db, redis) }),
      readiness: { mariadb: () => db.$queryRaw`SELECT 1`, redis: () => redis.ping() },
      logger,
      production: config.NODE_ENV === 'production',
    },
    config.VENUE_PORT,
    config.BIND_HOST,
  );
  return {
    ...running,
    db,
    redis,
    async stop() {
      await running.stop();
      await db.$disconnect();
      redis.disconnect();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(venueConfigSchema);
  const app = await startVenueSubgraph(config);
  gracefulShutdown(createLogger('venue', config.LOG_LEVEL)).register('venue subgraph', () => app.stop());
}
