import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { childTraceparent, formatTraceparent, parseTraceparent, startSpan } from '../src/trace.ts';

describe('W3C trace context', () => {
  const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('parses a valid traceparent and formats it back unchanged', () => {
    const trace = parseTraceparent(header);
    assert.deepEqual(trace, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
    assert.equal(formatTraceparent(trace!), header);
  });

  it('rejects malformed headers and all-zero ids', () => {
    for (const bad of [
      undefined,
      '',
      'garbage',
      '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
    ]) {
      assert.equal(parseTraceparent(bad), null, String(bad));
    }
  });

  it('a child span keeps the trace id and gets a new span id', () => {
    const parent = parseTraceparent(header)!;
    const child = parseTraceparent(childTraceparent(parent))!;
    assert.equal(child.traceId, parent.traceId);
    assert.notEqual(child.spanId, parent.spanId);
  });

  it('without a parent a new trace starts', () => {
    const a = startSpan(null);
    const b = startSpan(null);
    assert.match(a.traceId, /^[0-9a-f]{32}$/);
    assert.notEqual(a.traceId, b.traceId);
  });
});
