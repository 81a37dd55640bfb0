/**
 * The gRPC contract (proto/prediction.proto, proto/health.proto) loaded at run time with
 * proto-loader, plus the TypeScript shapes of its messages as proto-loader decodes them
 * (camelCase fields, enums as names, 64-bit numbers as strings). Shared by the model server and
 * the subgraph's client so both sides read the same files.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

export const PREDICTOR_SERVICE = 'sportvenue.prediction.v1.Predictor';
/** Batch and horizon limits of Forecast; larger requests are INVALID_ARGUMENT. */
export const MAX_VENUES_PER_CALL = 100;
export const MAX_HORIZON_HOURS = 168;

export type BusyLevelName = 'NOT_BUSY' | 'A_LITTLE_BUSY' | 'BUSY' | 'VERY_BUSY';

export interface HistoryPointMessage {
  at?: string;
  occupancy?: number;
}

export interface BookingHourMessage {
  at?: string;
  count?: number;
}

export interface OpeningSpanMessage {
  weekday?: number;
  openMinute?: number;
  closeMinute?: number;
}

export interface VenueInputMessage {
  venueId?: string;
  timeZone?: string;
  region?: string;
  capacity?: number;
  usualPeak?: number;
  history?: HistoryPointMessage[];
  bookings?: BookingHourMessage[];
  openingHours?: OpeningSpanMessage[];
  latitude?: number;
  longitude?: number;
  sport?: string;
}

export interface ForecastRequestMessage {
  venues?: VenueInputMessage[];
  startTime?: string;
  horizonHours?: number;
}

export interface HourPointMessage {
  at: string;
  expected: number;
  low: number;
  high: number;
  level: BusyLevelName | 'BUSY_LEVEL_UNSPECIFIED';
  /** Absent (proto3 default false) when the venue is open or its hours are unknown. */
  closed?: boolean;
}

export type ForecastBasisName = 'MODEL' | 'BASELINE' | 'FORECAST_BASIS_UNSPECIFIED';

export interface VenueForecastMessage {
  venueId: string;
  points: HourPointMessage[];
  knownVenue: boolean;
  /** Absent from older servers (then: MODEL). */
  basis?: ForecastBasisName;
}

export interface ForecastResponseMessage {
  forecasts: VenueForecastMessage[];
  modelVersion: string;
}

export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface ServiceConstructor {
  new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions): grpc.Client;
  service: grpc.ServiceDefinition;
}

function load() {
  const definition = protoLoader.loadSync(['prediction.proto', 'health.proto'], {
    includeDirs: [PROTO_DIR],
    keepCase: false,
    longs: String,
    enums: String,
    // Absent optional fields stay undefined (an absent occupancy means "unknown", not 0).
    defaults: false,
    arrays: true,
  });
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    sportvenue: { prediction: { v1: { Predictor: ServiceConstructor } } };
    grpc: { health: { v1: { Health: ServiceConstructor } } };
  };
  return {
    Predictor: root.sportvenue.prediction.v1.Predictor,
    Health: root.grpc.health.v1.Health,
  };
}

let loaded: ReturnType<typeof load> | undefined;

/** Service constructors (client classes with `.service` definitions), loaded once. */
export function predictionProto() {
  loaded ??= load();
  return loaded;
}
