import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LogContext } from './log-context.ts';
import { parseTraceparent, startSpan, type TraceContext } from './trace.ts';

export interface RequestInfo {
  /** Propagated from the router (`x-request-id`) so one operation can be followed across logs. */
  requestId: string;
  /** This hop's span, in the caller's trace when it sent `traceparent`. */
  trace?: TraceContext;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

// One per request: the HTTP server sets the log context from it before Apollo builds the
// operation context from it, and both must name the same request and span. Kept on the request
// object under a symbol of this module (a WeakMap entry per request cost more: an identity hash
// and an ephemeron for the collector, ~1 % of the router's busy CPU).
const INFO = Symbol('requestInfo');
type WithInfo = IncomingMessage & { [INFO]?: RequestInfo };

export function requestInfo(req: IncomingMessage): RequestInfo {
  let info = (req as WithInfo)[INFO];
  if (!info) {
    const header = req.headers['x-request-id'];
    const candidate = Array.isArray(header) ? header[0] : header;
    info = {
      requestId: candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID(),
      trace: startSpan(parseTraceparent(req.headers.traceparent)),
    };
    (req as WithInfo)[INFO] = info;
  }
  return info;
}

/** The log context of a request: its trace, span and request id. */
export function requestLogContext(info: RequestInfo): LogContext {
  return info.trace
    ? { traceId: info.trace.traceId, spanId: info.trace.spanId, requestId: info.requestId }
    : { traceId: info.requestId, requestId: info.requestId };
}

/** An entity another subgraph owns, known here only by its key. */
export interface EntityRef {
  id: string;
}
