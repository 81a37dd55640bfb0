import { baseConfig, port, redisUrlSetting, z, localService } from '@sport-venue/shared';

export const predictionConfigSchema = baseConfig.extend({
  PREDICTION_PORT: port(4004),
  REDIS_URL: redisUrlSetting(localService.redis()),
  /** gRPC target of the model server (src/model-server), host:port. */
  PREDICTOR_URL: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/, 'must be host:port')
    .default('127.0.0.1:50051'),
  /** Deadline of one Forecast call; the GraphQL request waits at most this long for forecasts. */
  PREDICTOR_DEADLINE_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Consecutive predictor failures that open the circuit, and how long it stays open. */
  PREDICTOR_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(3),
  PREDICTOR_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** Lifetime of a cached forecast in Redis (`venue:{id}:predicted`). */
  FORECAST_CACHE_TTL_S: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Hours fetched per venue at least, so later requests for shorter windows hit the cache. */
  FORECAST_FETCH_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  /** How often forecasts of recently asked-for venues are recomputed ahead of requests. */
  FORECAST_REFRESH_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
  /** Venues nobody asked for within this many hours are no longer refreshed. */
  FORECAST_REFRESH_IDLE_H: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
});

export type PredictionConfig = z.infer<typeof predictionConfigSchema>;

/** Predictor and cache settings may be omitted by callers that start the subgraph in-process. */
export type PredictionSettings = Pick<
  PredictionConfig,
  'NODE_ENV' | 'LOG_LEVEL' | 'BIND_HOST' | 'PREDICTION_PORT' | 'REDIS_URL'
> &
  Partial<PredictionConfig>;

export function withPredictionDefaults(settings: PredictionSettings): PredictionConfig {
  return { ...predictionConfigSchema.parse({}), ...settings };
}
