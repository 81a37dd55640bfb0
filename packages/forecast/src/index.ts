/** @sport-venue/forecast — occupancy forecasting library (training, backtest, prediction). */
export type { OccupancyRow, WeatherHour, BusyLevel, HourForecast } from './types.ts';
export {
  parseOccupancyCsv,
  readOccupancyCsv,
  readCsvText,
  SHIPPED_OCCUPANCY_CSV,
  parseCsvRecords,
  CsvFormatError,
  REQUIRED_COLUMNS,
  OPTIONAL_COLUMNS,
} from './csv.ts';
export type { ParsedCsv } from './csv.ts';
export { maskStuckRuns, binHourly, STUCK_RUN_LENGTH } from './clean.ts';
export type { HourlyBin, MaskOptions, MaskResult } from './clean.ts';
export {
  localParts,
  hourOfWeek,
  localHourStart,
  localDateKey,
  utcOffsetMinutes,
  zonedTimeToUtc,
  parseInstant,
  assertTimeZone,
} from './calendar.ts';
export type { LocalParts } from './calendar.ts';
export {
  holidayCalendar,
  regionForVenue,
  easterSunday,
  swissHolidays,
  isHolidayRegion,
  HOLIDAY_REGIONS,
  CHINA_KNOWN_YEARS,
} from './holidays.ts';
export type { HolidayCalendar, HolidayRegion, SwissCanton } from './holidays.ts';
export { openMeteoWeather } from './weather.ts';
export type { WeatherProvider, OpenMeteoOptions } from './weather.ts';
export { createFakeOpenMeteo, fakeTemperature, fakePrecipitation } from './weather-fake.ts';
export type { FakeOpenMeteo } from './weather-fake.ts';
export { HourGrid } from './grid.ts';
export { buildHourlyDataset } from './series.ts';
export type { HourlyDataset, VenueHours } from './series.ts';
export { computeProfile, genericProfile } from './profile.ts';
export type { VenueProfile } from './profile.ts';
export { hourOfWeekForecast, lastWeekForecast } from './baselines.ts';
export { FEATURE_NAMES, FEATURE_COUNT, VenueFeatures, gridHolidayFlags } from './features.ts';
export type { FeatureName } from './features.ts';
export { initBackend, QUANTILES } from './model.ts';
export { busyLevel, DEFAULT_LEVEL_THRESHOLDS } from './levels.ts';
export type { LevelThresholds } from './levels.ts';
export type { Forecaster, ForecastManifest, VenueModelInfo, TrainingSummary } from './forecaster.ts';
export { trainForecaster, DEFAULT_TRAIN, versionFromDate } from './trainer.ts';
export type { TrainOptions } from './trainer.ts';
export { saveArtifact, loadArtifact, latestArtifact, loadLatestArtifact, listArtifacts } from './artifact.ts';
export type { ArtifactInfo } from './artifact.ts';
export { predict, forecastVenue, resolveVenue, knownVenueInfo, MAX_PREDICT_HORIZON } from './predict.ts';
export type { PredictRequest, BaselinePrior, ForecastBasis, VenueForecastResult } from './predict.ts';
export { buildBaselinePrior } from './baseline-prior.ts';
export { priorFor, posteriorProfile, similarity, DEFAULT_PEAK_TO_CAPACITY } from './cold-start.ts';
export type { VenueAttributes, Prior, Posterior } from './cold-start.ts';
export { HORIZON_BANDS, bandOf, applyGuard, guardFor, fitGuard, NOMINAL_COVERAGE } from './guard.ts';
export type { GuardManifest, BandGuard, BandFigures, HorizonBand } from './guard.ts';
export { scoreWindow } from './evaluate.ts';
export type { WindowScores } from './evaluate.ts';
export { openHoursOfWeek } from './opening-hours.ts';
export type { OpeningSpan } from './opening-hours.ts';
export { runBacktest, formatBacktestTable } from './backtest.ts';
export type { BacktestResult, BacktestOptions, MaeSummary } from './backtest.ts';
