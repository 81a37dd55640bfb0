import type { RequestInfo } from '@sport-venue/shared';
import type { ForecastLoader } from './forecast-loader.ts';

export interface Context extends RequestInfo {
  /** One per request, so all venues of a request share one predictor call. */
  forecasts: ForecastLoader;
}
