import {
  createLogger,
  createRedis,
  gracefulShutdown,
  loadConfig,
  requestInfo,
  startSubgraph,
} from '@sport-venue/shared';
import { CircuitBreaker } from './circuit-breaker.ts';
import { predictionConfigSchema, withPredictionDefaults, type PredictionSettings } from './config.ts';
import type { Context } from './context.ts';
import { createForecastLoader, forecastAndCache, type ForecastSource } from './forecast-loader.ts';
import { ForecastRefresher } from './forecast-refresher.ts';
import { Revalidation } from './forecast-revalidation.ts';
import { PredictorClient } from './predictor-client.ts';
import { createResolvers } from './resolvers.ts';

export interface PredictionSubgraphOptions {
  now?: () => Date;
  /** false: no refresh timer (tests run `refresher.runOnce()` themselves). */
  background?: boolean;
}

export async function startPredictionSubgraph(
  settings: PredictionSettings,
  options: PredictionSubgraphOptions = {},
) {
  const config = withPredictionDefaults(settings);
  const logger = createLogger('prediction', config.LOG_LEVEL);
  const now = options.now ?? (() => new Date());
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const predictor = new PredictorClient(config.PREDICTOR_URL, config.PREDICTOR_DEADLINE_MS);
  const breaker = new CircuitBreaker({
    failureThreshold: config.PREDICTOR_BREAKER_FAILURES,
    cooldownMs: config.PREDICTOR_BREAKER_COOLDOWN_MS,
    onStateChange: (state) => logger.warn({ state }, 'predictor circuit breaker'),
  });
  const source: ForecastSource = {
    redis,
    predictor,
    breaker,
    logger,
    cacheTtlSeconds: config.FORECAST_CACHE_TTL_S,
    fetchHours: config.FORECAST_FETCH_HOURS,
    now,
  };
  const refresher = new ForecastRefresher({
    source,
    logger,
    intervalMs: config.FORECAST_REFRESH_INTERVAL_MS,
    idleMs: config.FORECAST_REFRESH_IDLE_H * 3_600_000,
  });
  source.watch = (venues) => refresher.watch(venues);
  const revalidation = new Revalidation({
    reforecast: async (venues, hours, trace) =>
      (await forecastAndCache(source, venues, hours, { trace, logger })).failed,
    logger,
    now,
  });
  source.revalidation = revalidation;
  const running = await startSubgraph<Context>(
    {
      name: 'prediction',
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers: createResolvers(now),
      context: (req) => {
        const info = requestInfo(req);
        return { ...info, forecasts: createForecastLoader(source, info.trace) };
      },
      // The predictor is not a readiness check: without it the subgraph still answers (cached
      // forecasts, PREDICTION_UNAVAILABLE otherwise), so it must stay in the load balancer.
      readiness: { redis: () => redis.ping() },
      logger,
      production: config.NODE_ENV === 'production',
    },
    config.PREDICTION_PORT,
    config.BIND_HOST,
  );
  if (options.background !== false) refresher.start();
  return {
    ...running,
    redis,
    breaker,
    refresher,
    revalidation,
    async stop() {
      await refresher.stop();
      await running.stop();
      await revalidation.idle();
      predictor.close();
      redis.disconnect();
    },
  };
}

export type RunningPredictionSubgraph = Awaited<ReturnType<typeof startPredictionSubgraph>>;

if (import.meta.main) {
  const config = loadConfig(predictionConfigSchema);
  const app = await startPredictionSubgraph(config);
  gracefulShutdown(createLogger('prediction', config.LOG_LEVEL)).register('prediction subgraph', () =>
    app.stop(),
  );
}
