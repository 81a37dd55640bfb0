import { baseConfig, port, url } from '@sport-venue/shared';

export const predictionConfigSchema = baseConfig.extend({
  PREDICTION_PORT: port(4004),
  REDIS_URL: url('redis://127.0.0.1:6379', ['redis', 'rediss']),
});

export type PredictionConfig = ReturnType<typeof predictionConfigSchema.parse>;
