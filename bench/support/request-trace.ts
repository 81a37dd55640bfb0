// Loaded into a bench's server processes with `--import` (see traceArgs): records, per process, the
// window of every HTTP/1 request and HTTP/2 stream it served (the model server's gRPC calls) with
// the CPU the process used and the time its main thread waited for a core meanwhile, and every
// garbage collection. The bench sets each slow request it measured beside these windows, so it can
// say where the time went (a subgraph, a model call, a collection, or no core to run on). Stamps are
// microseconds of the monotonic clock, which every process on the machine shares. Written as JSON
// to `$BENCH_TRACE_DIR/<pid>.json` when the process exits.
import diagnostics from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';

/** One request or stream: start, end (µs), CPU used and time waiting for a core meanwhile (µs), path. */
export type ServedWindow = [start: number, end: number, cpuUs: number, runQueueUs: number, path: string];
/** One collection: start (µs), duration (µs), kind. */
export type GcEvent = [start: number, durationUs: number, kind: string];
export interface ProcessTrace {
  served: ServedWindow[];
  gcs: GcEvent[];
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Time this process's main thread has spent runnable but waiting for a core (µs; 0 where unknown). */
export function runQueueUs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[1]) / 1000;
  } catch {
    return 0;
  }
}

/** CPU time all cores of the machine spent busy (µs, in steps of the kernel's 10 ms ticks; 0 where unknown). */
export function machineBusyUs(): number {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'latin1')
      .slice(0, 200)
      .split('\n', 1)[0]!
      .split(/\s+/)
      .map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * 10_000;
  } catch {
    return 0;
  }
}

/** Records this process's garbage collections into `gcs`. */
export function observeGc(gcs: GcEvent[]): void {
  const origin = monotonicUs() - performance.now() * 1000;
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1;
      gcs.push([
        Math.round(origin + e.startTime * 1000),
        Math.round(e.duration * 1000),
        kinds[kind] ?? String(kind),
      ]);
    }
  }).observe({ entryTypes: ['gc'] });
}

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

function install(dir: string) {
  const trace: ProcessTrace = { served: [], gcs: [] };
  observeGc(trace.gcs);

  const open = new WeakMap<object, [number, number, number, string]>();
  const begin = (key: object, path: string) => open.set(key, [monotonicUs(), cpuUs(), runQueueUs(), path]);
  const end = (key: object) => {
    const o = open.get(key);
    if (!o) return;
    open.delete(key);
    trace.served.push([o[0], monotonicUs(), cpuUs() - o[1], runQueueUs() - o[2], o[3]]);
  };
  type Http1 = { request: { url?: string } };
  diagnostics.subscribe('http.server.request.start', (m) =>
    begin((m as Http1).request, (m as Http1).request.url ?? ''),
  );
  diagnostics.subscribe('http.server.response.finish', (m) => end((m as Http1).request));
  type Http2 = { stream: object; headers?: Record<string, string> };
  diagnostics.subscribe('http2.server.stream.start', (m) =>
    begin((m as Http2).stream, (m as Http2).headers?.[':path'] ?? ''),
  );
  diagnostics.subscribe('http2.server.stream.finish', (m) => end((m as Http2).stream));

  const write = () => {
    try {
      writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify(trace));
    } catch {
      // a trace is an aid; the bench reports without it
    }
  };
  process.on('exit', write);
  // A process without its own SIGTERM handler would die without 'exit': end it the default way.
  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 1) {
      write();
      process.exit(143);
    }
  });
}

if (process.env.BENCH_TRACE_DIR && !process.env.BENCH_TRACE_LOADED) {
  process.env.BENCH_TRACE_LOADED = '1';
  install(process.env.BENCH_TRACE_DIR);
}
