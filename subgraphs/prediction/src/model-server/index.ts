/**
 * Model server: its own process serving the Predictor gRPC service from the newest artifact in
 * MODEL_ARTIFACT_DIR (hot-reloaded). `node subgraphs/prediction/src/model-server/index.ts`
 */
import * as grpc from '@grpc/grpc-js';
import { createServer } from 'node:http';
import {
  closeServer,
  Counter,
  createLogger,
  createMetricsRegistry,
  Gauge,
  gracefulShutdown,
  listen,
  loadConfig,
  metricsRoute,
  sendJson,
} from '@sport-venue/shared';
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

  const metrics = createMetricsRegistry();
  const forecasts = new Counter({
    name: 'model_forecasts_total',
    help: 'Forecast calls by outcome (ok, invalid, unavailable, deadline, cancelled, error)',
    labelNames: ['outcome'],
    registers: [metrics],
  });
  const forecastVenues = new Counter({
    name: 'model_forecast_venues_total',
    help: 'Venues forecast (all calls)',
    registers: [metrics],
  });
  new Gauge({
    name: 'model_artifact_loaded',
    help: 'Whether a model artifact is loaded (1) or the server is NOT_SERVING (0)',
    registers: [metrics],
    collect() {
      this.set(holder.forecaster ? 1 : 0);
    },
  });
  const onForecast: PredictorServiceOptions['onForecast'] = (event) => {
    forecasts.inc({ outcome: event.outcome });
    forecastVenues.inc(event.venues);
    options.onForecast?.(event);
  };

  const { Predictor, Health } = predictionProto();
  const server = new grpc.Server();
  server.addService(
    Predictor.service,
    predictorHandlers({ holder, logger, onForecast, now: options.now, weather }),
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
  const scrape = metricsRoute(metrics);
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/metrics') return void scrape(req, res);
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    sendJson(res, 404, { error: 'not found' });
  });
  const metricsAddress = await listen(http, config.MODEL_SERVER_METRICS_PORT, config.BIND_HOST);
  logger.info(
    {
      address: `${config.BIND_HOST}:${port}`,
      metrics: `${metricsAddress.url}/metrics`,
      version: holder.version,
    },
    'model server listening',
  );

  return {
    port,
    address: `${host}:${port}`,
    /** http://host:port of /metrics. */
    metricsUrl: metricsAddress.url,
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
      await closeServer(http);
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
