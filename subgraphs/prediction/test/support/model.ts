// Test helpers: a tiny model artifact trained in well under a second from packages/forecast's
// fixture (3 Swiss gyms, 6 weeks), and a model server on an ephemeral port.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fakePrecipitation,
  fakeTemperature,
  readOccupancyCsv,
  saveArtifact,
  trainForecaster,
} from '@sport-venue/forecast';
import type { OccupancyRow } from '@sport-venue/forecast';
import { startModelServer, type ModelServerOptions } from '../../src/model-server/index.ts';
import { modelServerConfigSchema } from '../../src/model-server/config.ts';
import { parseConfig } from '@sport-venue/shared';
import type { ForecastOutcome } from '../../src/model-server/predictor-service.ts';

export const FIXTURE = fileURLToPath(
  new URL('../../../../packages/forecast/test/fixtures/fitnesspark-3venues-6weeks.csv', import.meta.url),
);
export const KNOWN_VENUE = 'Fitnesspark Zürich Puls 5';

let rows: Promise<OccupancyRow[]> | undefined;

/**
 * Trains a deliberately tiny model (1 epoch, 8 hidden units) and saves it as `<root>/<version>/`.
 * `weather`: the rows carry the fake Open-Meteo's weather at Zürich, so the model uses weather.
 */
export async function writeTinyArtifact(
  root: string,
  version: string,
  createdAt: Date,
  { weather = false }: { weather?: boolean } = {},
) {
  rows ??= readOccupancyCsv(FIXTURE).then((parsed) => parsed.rows);
  const training = weather
    ? (await rows).map((r) => {
        const hour = Math.floor(r.at.getTime() / 3_600_000) * 3_600_000;
        return { ...r, temperatureC: fakeTemperature(hour, 47.4), precipitationMm: fakePrecipitation(hour) };
      })
    : await rows;
  const forecaster = await trainForecaster(training, {
    timeZone: 'Europe/Zurich',
    epochs: 1,
    hidden: [8],
    horizonsPerTarget: 1,
    version,
    now: () => createdAt,
  });
  const dir = await saveArtifact(forecaster, root);
  forecaster.network.dispose();
  return dir;
}

export async function tempArtifactDir() {
  const dir = await mkdtemp(join(tmpdir(), 'sv-models-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A model server whose Forecast calls are recorded, on an ephemeral (or the given) port. */
export async function startTestModelServer(
  artifactDir: string,
  {
    port = 0,
    reloadMs = 100,
    weatherBaseUrl = '',
    baselineData = '',
    ...options
  }: ModelServerOptions & {
    port?: number;
    reloadMs?: number;
    weatherBaseUrl?: string;
    /** CSV of the baseline served before an artifact exists (default: none, UNAVAILABLE). */
    baselineData?: string;
  } = {},
) {
  const calls: Array<{ venues: number; outcome: ForecastOutcome }> = [];
  const server = await startModelServer(
    parseConfig(modelServerConfigSchema, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MODEL_SERVER_PORT: String(port),
      MODEL_SERVER_METRICS_PORT: '0',
      MODEL_ARTIFACT_DIR: artifactDir,
      MODEL_RELOAD_INTERVAL_MS: String(reloadMs),
      WEATHER_BASE_URL: weatherBaseUrl,
      MODEL_BASELINE_DATA: baselineData,
    }),
    { shutdownGraceMs: 1_000, ...options, onForecast: (event) => calls.push(event) },
  );
  return { ...server, calls };
}
