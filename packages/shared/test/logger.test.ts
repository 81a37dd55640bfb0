// Log output: readable lines for a person at a terminal, JSON for machines; and every line written
// while serving a request (or a consumed message) names its trace and request id.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createLogger, every, logFormat, messageLogContext, withLogContext } from '../src/index.ts';

const run = promisify(execFile);
const loggerModule = new URL('../src/logger.ts', import.meta.url).pathname;

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('svc', 'info', 'json', destination) };
}

describe('log format', () => {
  it('is pretty at a terminal outside production, JSON otherwise, and LOG_FORMAT decides when set', () => {
    assert.equal(logFormat({ NODE_ENV: 'development' }, true), 'pretty');
    assert.equal(logFormat({ NODE_ENV: 'development' }, false), 'json');
    assert.equal(logFormat({ NODE_ENV: 'production' }, true), 'json');
    assert.equal(logFormat({ NODE_ENV: 'development', LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(logFormat({ NODE_ENV: 'development', LOG_FORMAT: 'pretty' }, false), 'pretty');
  });

  it('writes readable lines when pretty and one JSON object per line otherwise', async () => {
    const script = `const { createLogger } = await import(${JSON.stringify(loggerModule)});
      createLogger('venue').info({ venueId: '7' }, 'venue subgraph listening');`;
    const output = async (env: Record<string, string>) =>
      (
        await run(process.execPath, ['--input-type=module', '-e', script], {
          env: { ...process.env, NODE_ENV: 'development', FORCE_COLOR: '0', ...env },
        })
      ).stdout.trim();

    const pretty = await output({ LOG_FORMAT: 'pretty' });
    assert.match(pretty, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: venue subgraph listening \{"venueId":"7"\}$/);
    const json = JSON.parse(await output({})) as Record<string, unknown>;
    assert.deepEqual(
      [json.level, json.msg, json.service, json.venueId],
      [30, 'venue subgraph listening', 'venue', '7'],
    );
  });
});

describe('log context', () => {
  it('puts the trace and request id on every line of the work it wraps, across awaits and timers', async () => {
    const { lines, logger } = capture();
    logger.info('before');
    await withLogContext({ traceId: 'a'.repeat(32), requestId: 'req-1' }, async () => {
      logger.info('start');
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.warn('after a timer');
      await Promise.all([1, 2].map(async (i) => logger.info({ i }, 'in parallel')));
    });
    logger.info('after');
    assert.deepEqual(
      lines.map((l) => [l.msg, l.traceId, l.requestId]),
      [
        ['before', undefined, undefined],
        ['start', 'a'.repeat(32), 'req-1'],
        ['after a timer', 'a'.repeat(32), 'req-1'],
        ['in parallel', 'a'.repeat(32), 'req-1'],
        ['in parallel', 'a'.repeat(32), 'req-1'],
        ['after', undefined, undefined],
      ],
    );
  });

  it('keeps two interleaved requests apart', async () => {
    const { lines, logger } = capture();
    const serve = (traceId: string) =>
      withLogContext({ traceId, requestId: traceId.slice(0, 4) }, async () => {
        for (let i = 0; i < 3; i++) {
          await new Promise((resolve) => setImmediate(resolve));
          logger.info({ step: i }, traceId.slice(0, 4));
        }
      });
    await Promise.all([serve('b'.repeat(32)), serve('c'.repeat(32))]);
    assert.equal(lines.length, 6);
    for (const line of lines) assert.equal(line.requestId, line.msg);
  });

  it('takes a consumed message’s trace from its traceparent header', () => {
    const header = Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.deepEqual(messageLogContext({ traceparent: header }), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
    assert.equal(messageLogContext({ traceparent: 'garbage' }), undefined);
    assert.equal(messageLogContext(undefined), undefined);
  });

  it('each run of a periodic job logs with a trace id of its own', async () => {
    const { lines, logger } = capture();
    const job = every('tick', 3_600_000, async () => logger.info('tick ran'), logger);
    try {
      await job.runNow();
      await job.runNow();
    } finally {
      await job.stop();
    }
    const traces = lines.filter((l) => l.msg === 'tick ran').map((l) => l.traceId);
    assert.equal(traces.length, 2);
    for (const t of traces) assert.match(String(t), /^[0-9a-f]{32}$/);
    assert.notEqual(traces[0], traces[1]);
  });
});
