// Fixes for kafkajs 2.2.4 (unmaintained since 2023; still the best-known Node client that works
// with Kafka 3.9 here). Applied once, when the shared Kafka client module loads.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}

/**
 * Each broker connection's request queue re-schedules a check of its pending requests after every
 * check, even with nothing pending and no throttle: `setTimeout(fn, throttledUntil - now)` with
 * throttledUntil = -1, a hugely negative delay. Node ran that every 1 ms forever (a busy timer
 * loop per connection); Node 24 also prints a TimeoutNegativeWarning for each. Upstream:
 * tulios/kafkajs#1704, #1751 (open). With nothing pending and no throttle in force there is
 * nothing to check, so no timer is scheduled; every other case keeps the original behaviour.
 */
export function fixRequestQueueBusyLoop(): void {
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: RequestQueueInternals & { __svFixed?: boolean };
  };
  const proto = RequestQueue.prototype;
  if (proto.__svFixed) return;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (!this.throttleCheckTimeoutId && this.pending.length === 0 && this.throttledUntil <= Date.now())
      return;
    schedule.call(this);
  };
  proto.__svFixed = true;
}

/** Messages of Kafka protocol errors that kafkajs retries by itself (coordinator loading, …). */
export const retriableKafkaErrors: ReadonlySet<string> = new Set(
  (
    require('kafkajs/src/protocol/error.js') as {
      errorCodes: Array<{ message: string; retriable: boolean }>;
    }
  ).errorCodes
    .filter((e) => e.retriable)
    .map((e) => e.message),
);
