import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseTraceparent, startSpan, type TraceContext } from './trace.ts';

export interface RequestInfo {
  /** Propagated from the router (`x-request-id`) so one operation can be followed across logs. */
  requestId: string;
  /** This hop's span, in the caller's trace when it sent `traceparent`. */
  trace?: TraceContext;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

export function requestInfo(req: IncomingMessage): RequestInfo {
  const header = req.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  return {
    requestId: candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID(),
    trace: startSpan(parseTraceparent(req.headers.traceparent)),
  };
}

/** An entity another subgraph owns, known here only by its key. */
export interface EntityRef {
  id: string;
}
