// @apollo/gateway wraps every request, plan, validation, fetch and post-processing step in an
// OpenTelemetry span (`tracer.startActiveSpan`). With no tracer provider registered those go to
// the API's NoopTracer, which still reads the active context, allocates a span and a new context
// holding it, and runs the callback through the context manager: ~5 % of the router's CPU on a
// check-in (docs/decisions/0027). The router traces with W3C `traceparent` headers and log lines
// of its own (packages/shared/src/trace.ts), not OpenTelemetry, so nothing reads those spans.
// This registers a tracer provider whose spans cost nothing: `startActiveSpan` calls its callback
// with one shared non-recording span. It is registered only when no provider is (an operator who
// preloads an OpenTelemetry SDK with `node --import` keeps theirs: the first registration wins).
import {
  INVALID_SPAN_CONTEXT,
  trace,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

const span: Span = {
  spanContext: (): SpanContext => INVALID_SPAN_CONTEXT,
  setAttribute: () => span,
  setAttributes: () => span,
  addEvent: () => span,
  addLink: () => span,
  addLinks: () => span,
  setStatus: () => span,
  updateName: () => span,
  end: () => undefined,
  isRecording: () => false,
  recordException: () => undefined,
};

const tracer: Tracer = {
  startSpan: () => span,
  // (name, fn) | (name, options, fn) | (name, options, context, fn): the callback is the last argument.
  startActiveSpan(...args: unknown[]) {
    const fn = args[args.length - 1] as (span: Span) => unknown;
    return fn(span);
  },
} as Tracer;

const provider: TracerProvider = { getTracer: () => tracer };

/** True when ours is the registered provider (false: another one was registered first). */
export function installSpanlessTracing(): boolean {
  return trace.setGlobalTracerProvider(provider);
}

/** The shared span (tests: what a gateway span is when ours is registered). */
export const SPANLESS = span;
