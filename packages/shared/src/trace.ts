// W3C Trace Context (`traceparent: 00-<trace id>-<span id>-<flags>`): each hop keeps the trace id
// and starts its own span, so one operation can be followed router → subgraph → gRPC in logs and
// by any OpenTelemetry collector that reads the header.
import { randomBytes } from 'node:crypto';

export interface TraceContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function parseTraceparent(header: string | string[] | undefined): TraceContext | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return null;
  return { traceId: match[1]!, spanId: match[2]!, sampled: (parseInt(match[3]!, 16) & 1) === 1 };
}

// Ids are cut from a block of random bytes fetched 4 KiB at a time (as crypto.randomUUID does):
// one call into the CSPRNG per ~170 spans instead of one or two per span.
let block = Buffer.alloc(0);
let used = 0;
function randomHex(bytes: number): string {
  if (used + bytes > block.length) {
    block = randomBytes(4_096);
    used = 0;
  }
  used += bytes;
  return block.toString('hex', used - bytes, used);
}

/** A new span: in the parent's trace when there is one, else in a new trace. */
export function startSpan(parent: TraceContext | null): TraceContext {
  return {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    sampled: parent?.sampled ?? true,
  };
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
}

/** The header for a call made from within `trace` (a child span). */
export function childTraceparent(trace: TraceContext): string {
  return formatTraceparent(startSpan(trace));
}
