/**
 * gRPC client adapter for the model server's Predictor. Every call carries a deadline, so a slow
 * predictor costs a GraphQL request at most `deadlineMs`.
 */
import * as grpc from '@grpc/grpc-js';
import {
  predictionProto,
  type ForecastRequestMessage,
  type ForecastResponseMessage,
  type ServingStatus,
} from './predictor-proto.ts';

export class PredictorError extends Error {
  override name = 'PredictorError';
  readonly code: grpc.status;
  constructor(code: grpc.status, details: string) {
    super(`predictor: ${grpc.status[code] ?? code}: ${details}`);
    this.code = code;
  }
}

type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

export class PredictorClient {
  readonly #predictor: grpc.Client;
  readonly #health: grpc.Client;
  readonly #deadlineMs: number;

  /** `address` is a gRPC target, e.g. `127.0.0.1:50051`. */
  constructor(address: string, deadlineMs: number) {
    const { Predictor, Health } = predictionProto();
    const credentials = grpc.credentials.createInsecure();
    // Reconnect quickly once the predictor is back: the circuit breaker already keeps requests
    // away from a down predictor, so grpc-js's default backoff (up to 120 s) only delays recovery.
    const options: grpc.ChannelOptions = {
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2_000,
    };
    this.#predictor = new Predictor(address, credentials, options);
    // Same target, same options: grpc-js shares one subchannel between both clients.
    this.#health = new Health(address, credentials, options);
    this.#deadlineMs = deadlineMs;
  }

  forecast(
    request: ForecastRequestMessage,
    deadlineMs = this.#deadlineMs,
    headers: Record<string, string> = {},
  ): Promise<ForecastResponseMessage> {
    return this.#call(this.#predictor, 'Forecast', request, deadlineMs, headers);
  }

  async health(service = ''): Promise<ServingStatus> {
    const res = await this.#call<{ service: string }, { status?: ServingStatus }>(
      this.#health,
      'Check',
      { service },
      this.#deadlineMs,
    );
    return res.status ?? 'UNKNOWN';
  }

  #call<Req, Res>(
    client: grpc.Client,
    method: string,
    request: Req,
    deadlineMs: number,
    headers: Record<string, string> = {},
  ): Promise<Res> {
    const fn = (client as unknown as Record<string, Unary<Req, Res>>)[method]!.bind(client);
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return new Promise((resolve, reject) => {
      fn(request, metadata, { deadline: Date.now() + deadlineMs }, (err, response) => {
        if (err) reject(new PredictorError(err.code, err.details));
        else resolve(response as Res);
      });
    });
  }

  close() {
    this.#predictor.close();
    this.#health.close();
  }
}
