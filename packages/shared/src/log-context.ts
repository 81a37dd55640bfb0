// The request (or consumed message) a piece of work belongs to, carried through every await by
// AsyncLocalStorage, so each log line names it without loggers being passed around per request.
// The logger's mixin reads it (logger.ts); HTTP servers and Kafka consumers set it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { parseTraceparent, startSpan } from './trace.ts';

export interface LogContext {
  /** W3C trace id (32 hex digits): the same in every process one operation passes through. */
  traceId: string;
  /** This hop's span id. */
  spanId?: string;
  /** The operation's request id (x-request-id), when it came through HTTP. */
  requestId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` (and everything it awaits or schedules) as part of `context`. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the work running now, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/**
 * The log context of a consumed message that carries a W3C `traceparent` header (the outbox
 * copies the causing request's trace onto each event): the consumer's lines join that trace.
 */
export function messageLogContext(headers: Record<string, unknown> | undefined): LogContext | undefined {
  const raw = headers?.traceparent;
  const value = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  const trace = parseTraceparent(value);
  return trace ? { traceId: trace.traceId, spanId: trace.spanId } : undefined;
}

/** Runs `fn` in `context` when there is one, else in whatever context is current. */
export function maybeWithLogContext<T>(context: LogContext | undefined, fn: () => T): T {
  return context ? storage.run(context, fn) : fn();
}

/**
 * A context of its own for one unit of background work (a scheduled run, a relayed batch, a
 * consumed batch whose messages carry no trace): its lines share one new trace id.
 */
export function newLogContext(): LogContext {
  const { traceId, spanId } = startSpan(null);
  return { traceId, spanId };
}
