// The gateway's OpenTelemetry spans cost nothing unless an SDK was registered first.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { trace, type Tracer } from '@opentelemetry/api';
import { installSpanlessTracing, SPANLESS } from '../../src/tracing.ts';

describe('span-free tracing', () => {
  afterEach(() => trace.disable());

  it('runs a span callback with the shared non-recording span, through a tracer taken before it was installed', async () => {
    // @apollo/gateway takes its tracer when it is loaded, before the router installs ours.
    const early = trace.getTracer('apollo/gateway-js');
    assert.equal(installSpanlessTracing(), true);
    const seen = await early.startActiveSpan(
      'gateway.fetch',
      { attributes: { service: 'venue' } },
      async (span) => {
        span.setAttribute('x', 1).setStatus({ code: 2 });
        span.end();
        return span;
      },
    );
    assert.equal(seen, SPANLESS);
    assert.equal(SPANLESS.isRecording(), false);
    assert.equal(
      early.startActiveSpan('gateway.validate', (span) => span.spanContext().traceId),
      '00000000000000000000000000000000',
    );
  });

  it('leaves a tracer provider registered first (an operator’s SDK) in place', () => {
    const spans: string[] = [];
    const theirs = {
      startSpan: () => SPANLESS,
      startActiveSpan: (name: string, ...rest: unknown[]) => {
        spans.push(name);
        return (rest.at(-1) as (s: unknown) => unknown)(SPANLESS);
      },
    } as unknown as Tracer;
    assert.equal(trace.setGlobalTracerProvider({ getTracer: () => theirs }), true);
    assert.equal(installSpanlessTracing(), false);
    trace.getTracer('apollo/gateway-js').startActiveSpan('gateway.request', () => undefined);
    assert.deepEqual(spans, ['gateway.request']);
  });
});
