// HTTP statuses of the router's own refusals (docs/decisions/0013). Apollo Server answers an
// error thrown before execution with HTTP 500 unless the error names its status in
// `extensions.http` (which Apollo strips from the response body).
import { GraphQLError } from 'graphql';
import { ErrorCode } from '@sport-venue/shared';

type Http = { status: number; headers?: Map<string, string> };

/** The status of a refusal by its code: who is asking (401), may they (403), what they asked (400). */
export function statusOf(code: unknown): Http {
  if (code === ErrorCode.UNAUTHENTICATED)
    return { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) };
  if (code === ErrorCode.FORBIDDEN) return { status: 403 };
  if (code === ErrorCode.RATE_LIMITED) return { status: 429 };
  return { status: 400 };
}

/** The same error, carrying the HTTP status its code maps to. */
export function guardStatus(error: GraphQLError): GraphQLError {
  error.extensions.http ??= statusOf(error.extensions.code);
  return error;
}

export function clientError(status: number, code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}
