import { baseConfig, port, url, z } from '@sport-venue/shared';
import { assertTimeZone, SHIPPED_OCCUPANCY_CSV } from '@sport-venue/forecast';

function isTimeZone(value: string): boolean {
  try {
    assertTimeZone(value);
    return true;
  } catch {
    return false;
  }
}

export const modelServerConfigSchema = baseConfig.extend({
  MODEL_SERVER_PORT: port(50051),
  /** HTTP port of /metrics and /health (gRPC has no scrape endpoint); 9464 is the exporter default. */
  MODEL_SERVER_METRICS_PORT: port(9464),
  /** Root of versioned artifacts (`<dir>/<version>/manifest.json`, packages/forecast artifact.ts). */
  MODEL_ARTIFACT_DIR: z.string().min(1).default('.state/models'),
  /** How often the directory is checked for a newer version (polling works on every filesystem). */
  MODEL_RELOAD_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(10_000),
  /**
   * Occupancy CSV (optionally .gz) whose hour-of-week profiles are served, marked BASELINE, while
   * no artifact exists. Default: the data shipped in the repository. Empty: no baseline
   * (Forecast answers UNAVAILABLE until an artifact appears).
   */
  MODEL_BASELINE_DATA: z.string().default(SHIPPED_OCCUPANCY_CSV),
  /** Local time zone of MODEL_BASELINE_DATA. */
  MODEL_BASELINE_TIME_ZONE: z.string().default('Europe/Zurich').refine(isTimeZone, 'not an IANA time zone'),
  /**
   * Open-Meteo-compatible weather API (serves /v1/forecast), used when the artifact was trained
   * with weather. Empty: no weather (the model uses its no-weather inputs).
   */
  WEATHER_BASE_URL: z.union([z.literal(''), url(undefined, ['http', 'https'])]).default(''),
  /** Budget of one weather request; must stay well below the subgraph's Forecast deadline. */
  WEATHER_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(300),
});

export type ModelServerConfig = z.infer<typeof modelServerConfigSchema>;
