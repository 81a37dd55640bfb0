import {
  connectMongo,
  createLogger,
  gracefulShutdown,
  loadConfig,
  requestInfo,
  startSubgraph,
} from '@sport-venue/shared';
import { challengeModel } from './challenge-store.ts';
import { socialConfigSchema, type SocialConfig } from './config.ts';
import { createResolvers } from './resolvers.ts';

export async function startSocialSubgraph(config: SocialConfig) {
  const logger = createLogger('social', config.LOG_LEVEL);
  const mongoose = await connectMongo(config.MONGO_URL);
  const connection = mongoose.connection;
  const challenges = challengeModel(connection);
  const running = await startSubgraph(
    {
      name: 'social',
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers: createResolvers(challenges),
      context: (req) => requestInfo(req),
      readiness: {
        mongodb: async () => {
          if (!connection.db) throw new Error('not connected');
          await connection.db.admin().ping();
        },
      },
      logger,
      production: config.NODE_ENV === 'production',
    },
    config.SOCIAL_PORT,
    config.BIND_HOST,
  );
  return {
    ...running,
    connection,
    challenges,
    async stop() {
      await running.stop();
      await mongoose.disconnect();
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(socialConfigSchema);
  const app = await startSocialSubgraph(config);
  gracefulShutdown(createLogger('social', config.LOG_LEVEL)).register('social subgraph', () => app.stop());
}
