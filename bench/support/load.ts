// A light load generator for the HTTP benches: an undici Pool per target (keep-alive connections,
// no WHATWG streams or Request objects per call), so the generator leaves the cores to the
// processes measured; what it still costs is reported (`loadGenerator` CPU per request and share).
// Two shapes: closed loop (`load` in harness.ts: N workers, each sends its next request when the
// previous one is answered) and open loop (`paced`: requests leave at a fixed rate whatever the
// answers do, latency counted from when each was due, so a stall is not hidden).
import { Pool } from 'undici';
import { quantile, round } from './harness.ts';

export interface Poster {
  /** POSTs `body`; the status and the parsed JSON answer. */
  post(headers: Record<string, string>, body: string): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export function poster(url: string, connections: number): Poster {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = target.pathname;
  return {
    async post(headers, body) {
      const res = await pool.request({ path, method: 'POST', headers, body });
      const text = await res.body.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: the caller sees null
      }
      return { status: res.statusCode, json };
    },
    close: () => pool.close(),
  };
}

/** This process' CPU seconds so far (the load generator's own cost). */
export const selfCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

export interface Paced {
  /** Requests per second asked for. */
  targetPerSecond: number;
  /** Requests per second answered over the run (below the target when the servers cannot keep up). */
  achievedPerSecond: number;
  requests: number;
  seconds: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** Requests slower than `slowMs`, by the second of the run they were due in: a tail made by one
   * stall shows as one busy second, a tail made by load as a spread. */
  slowBySecond: number[];
  slowMs: number;
  errors: number;
  /** Most requests waiting for an answer at once. */
  maxInFlight: number;
}

/**
 * Sends `total` calls at `perSecond`, each when it is due (a timer catches up on the ones a busy
 * event loop made late), and measures each from its due time to its answer.
 */
export async function paced(
  perSecond: number,
  total: number,
  call: (i: number) => Promise<boolean>,
  slowMs = 50,
): Promise<Paced> {
  const latencies: number[] = [];
  const slowBySecond = Array.from({ length: Math.ceil(total / perSecond) }, () => 0);
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const started = performance.now();
  const all: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * perSecond) / 1000) + 1);
      for (; sent < due; sent++) {
        const i = sent;
        const dueAt = started + (i * 1000) / perSecond;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        all.push(
          call(i)
            .catch(() => false)
            .then((ok) => {
              inFlight -= 1;
              const latency = performance.now() - dueAt;
              latencies.push(latency);
              if (latency > slowMs) slowBySecond[Math.floor(i / perSecond)]! += 1;
              if (!ok) errors += 1;
            }),
        );
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
  await Promise.all(all);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    targetPerSecond: perSecond,
    achievedPerSecond: round(total / seconds, 0),
    requests: total,
    seconds: round(seconds),
    p50Ms: round(quantile(latencies, 0.5)),
    p90Ms: round(quantile(latencies, 0.9)),
    p99Ms: round(quantile(latencies, 0.99)),
    p999Ms: round(quantile(latencies, 0.999)),
    maxMs: round(latencies[latencies.length - 1] ?? 0),
    slowBySecond,
    slowMs,
    errors,
    maxInFlight,
  };
}
