import { GraphQLError } from 'graphql';
import { isDatabaseBusy, isShardUnavailable } from './transactions.ts';
import type { InputErrorDetails } from './input-errors.ts';

/**
 * Stable `extensions.code` values. Clients switch on these, so they are part of the API:
 * add new ones, never rename.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A store is saturated right now; nothing was done and the client may retry after `retryAfterSeconds`. */
  SERVICE_BUSY: 'SERVICE_BUSY',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode] | (string & {});

export function domainError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/**
 * A refused input. `details` (`extensions.reason`, `min`, `max`, …) let a client say why in its own
 * language; `message` is for developers.
 */
export const badInput = (message: string, field?: string, details?: InputErrorDetails) =>
  domainError(ErrorCode.BAD_USER_INPUT, message, { ...(field ? { field } : {}), ...details });
export const notFound = (what: string) => domainError(ErrorCode.NOT_FOUND, `${what} not found`);
export const unauthenticated = () => domainError(ErrorCode.UNAUTHENTICATED, 'authentication required');
/**
 * Load shedding: the router answers it with HTTP 503 and `Retry-After` (a subgraph's own errors
 * travel with HTTP 200 to the router, which sets the client-facing status).
 */
export const serviceBusy = (retryAfterSeconds = 1) =>
  domainError(ErrorCode.SERVICE_BUSY, 'the service is busy; try again shortly', { retryAfterSeconds });
/** A data shard is down: the request's keys live there; nothing was done (docs/decisions/0021). */
export const shardUnavailable = (retryAfterSeconds = 5) =>
  domainError(ErrorCode.SERVICE_UNAVAILABLE, 'a data shard is unavailable; try again shortly', {
    retryAfterSeconds,
  });
export const forbidden = (message = 'not allowed') => domainError(ErrorCode.FORBIDDEN, message);

/**
 * A unique-constraint violation (Prisma P2002). Duck-typed on `code`, so it works with any
 * generated Prisma client and needs none.
 */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

/**
 * Apollo Server `formatError`: known GraphQL errors pass through; anything else is reported, and
 * answered as SERVICE_UNAVAILABLE (a data shard is down), SERVICE_BUSY (no database connection in
 * time) or else an internal error, its message and stack in the logs, never in the response.
 */
export function maskUnexpectedErrors(onUnexpected: (error: unknown) => void) {
  return (formatted: { message: string; extensions?: Record<string, unknown> }, error: unknown) => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    // Apollo re-codes validation errors as GRAPHQL_VALIDATION_FAILED; a rule's own code wins.
    const ownCode = original instanceof GraphQLError ? original.extensions?.code : undefined;
    const code = ownCode ?? formatted.extensions?.code;
    if (ownCode) formatted = { ...formatted, extensions: { ...formatted.extensions, code: ownCode } };
    // A plain object (not an Error) is an error a subgraph already formatted and masked itself.
    const isOurs = original === undefined || original instanceof GraphQLError || !(original instanceof Error);
    if (isOurs && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const { stacktrace: _stack, serviceName: _service, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    onUnexpected(original ?? error);
    if (isShardUnavailable(original ?? error)) {
      const e = shardUnavailable();
      return { message: e.message, extensions: e.extensions };
    }
    // No connection to the database in time (a saturated pool, a server slow to accept one):
    // nothing reached it, and the same request can succeed a moment later.
    if (isDatabaseBusy(original ?? error)) {
      const e = serviceBusy();
      return { message: e.message, extensions: e.extensions };
    }
    return { message: 'internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
