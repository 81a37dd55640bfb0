/**
 * Model server: its own process serving the Predictor gRPC service from the newest artifact in
 * MODEL_ARTIFACT_DIR (hot-reloaded). `node subgraphs/prediction/src/model-server/index.ts`
 */
import * as grpc from '@grpc/grpc-js';
import { createLogger, gracefulShutdown, loadConfig } from '@sport-venue/shared';
import { predictionProto } from '../predictor-proto.ts';
import { modelServerConfigSchema, type ModelServerConfig } from './config.ts';
import { ModelHolder } from './model-holder.ts';
import { healthHandlers, predictorHandlers, type PredictorServiceOptions } from './predictor-service.ts';
import { openMeteoWeather } from '@sport-venue/forecast';
import { WeatherSource } from './weather-source.ts';

export interface ModelServerOptions {
  onForecast?: PredictorServiceOptions['onForecast'];
  now?: () => Date;
  /** Grace period for in-flight calls before they are cut off. */
  shutdownGraceMs?: number;
}

export async function startModelServer(config: ModelServerConfig, options: ModelServerOptions = {}) {
  const logger = createLogger('model-server', config.LOG_LEVEL);
  const holder = new ModelHolder(config.MODEL_ARTIFACT_DIR, logger);
  // Start serving even without an artifact: the baseline answers (marked BASELINE) until one
  // appears, so a deploy does not depend on training having run first. Without a baseline, health
  // says NOT_SERVING and Forecast UNAVAILABLE.
  await holder.check();
  if (!holder.forecaster) {
    if (config.MODEL_BASELINE_DATA) {
      // In the background: the port is open at once; calls before it is built get UNAVAILABLE.
      logger.info({ dir: config.MODEL_ARTIFACT_DIR }, 'no model artifact yet; serving the baseline');
      void holder.loadBaseline(config.MODEL_BASELINE_DATA, config.MODEL_BASELINE_TIME_ZONE);
    } else logger.warn({ dir: config.MODEL_ARTIFACT_DIR }, 'no model artifact yet; NOT_SERVING');
  }
  holder.watch(config.MODEL_RELOAD_INTERVAL_MS);

  const weather = config.WEATHER_BASE_URL
    ? new WeatherSource(
        openMeteoWeather({
          baseUrl: config.WEATHER_BASE_URL,
          endpoint: 'forecast',
          timeoutMs: config.WEATHER_TIMEOUT_MS,
          onError: (err) => logger.warn({ err: (err as Error).message }, 'weather unavailable'),
        }),
      )
    : undefined;

  const { Predictor, Health } = predictionProto();
  const server = new grpc.Server();
  server.addService(
    Predictor.service,
    predictorHandlers({ holder, logger, onForecast: options.onForecast, now: options.now, weather }),
  );
  server.addService(Health.service, healthHandlers(holder));
  const host = config.BIND_HOST.includes(':') ? `[${config.BIND_HOST}]` : config.BIND_HOST;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${host}:${config.MODEL_SERVER_PORT}`,
      grpc.ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  logger.info({ address: `${config.BIND_HOST}:${port}`, version: holder.version }, 'model server listening');

  return {
    port,
    address: `${host}:${port}`,
    holder,
    /** Stops taking calls, lets in-flight ones finish for a grace period, then cuts them off. */
    async stop() {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, options.shutdownGraceMs ?? 5_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await holder.stop();
    },
  };
}

export type RunningModelServer = Awaited<ReturnType<typeof startModelServer>>;

if (import.meta.main) {
  const config = loadConfig(modelServerConfigSchema);
  const server = await startModelServer(config);
  gracefulShutdown(createLogger('model-server', config.LOG_LEVEL)).register('model server', () =>
    server.stop(),
  );
}
