import {
  createLogger,
  createRedis,
  gracefulShutdown,
  loadConfig,
  requestInfo,
  startSubgraph,
} from '@sport-venue/shared';
import { predictionConfigSchema, type PredictionConfig } from './config.ts';
import { createResolvers } from './resolvers.ts';

export async function startPredictionSubgraph(config: PredictionConfig) {
  const logger = createLogger('prediction', config.LOG_LEVEL);
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const running = await startSubgraph(
    {
      name: 'prediction',
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers: createResolvers(redis),
      context: (req) => requestInfo(req),
      readiness: { redis: () => redis.ping() },
      logger,
      production: config.NODE_ENV === 'production',
    },
    config.PREDICTION_PORT,
    config.BIND_HOST,
  );
  return {
    ...running,
    redis,
    async stop() {
      await running.stop();
      redis.disconnect();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(predictionConfigSchema);
  const app = await startPredictionSubgraph(config);
  gracefulShutdown(createLogger('prediction', config.LOG_LEVEL)).register('prediction subgraph', () =>
    app.stop(),
  );
}
