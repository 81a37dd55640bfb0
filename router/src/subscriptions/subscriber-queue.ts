import type { ExecutionResult } from 'graphql';
import type { DirectDelivery } from './socket-sink.ts';

/**
 * One subscriber's stream of results. With a direct delivery (a WebSocket subscription) the hub
 * writes each event's result onto the socket itself (socket-sink.ts) and the stream carries only
 * the final result (an error on schema reload or shutdown) before it ends. Without one, results
 * are read from the stream; it is bounded: a slow reader keeps only the newest results.
 */
export class SubscriberQueue implements AsyncIterableIterator<ExecutionResult> {
  readonly #buffer: ExecutionResult[] = [];
  readonly #limit: number;
  readonly #onClose: () => void;
  #waiting: ((value: IteratorResult<ExecutionResult>) => void) | null = null;
  #closed = false;
  dropped = 0;
  readonly direct: DirectDelivery | undefined;

  constructor(onClose: () => void, limit = 16, direct?: DirectDelivery) {
    this.#onClose = onClose;
    this.#limit = limit;
    this.direct = direct;
  }

  push(result: ExecutionResult) {
    if (this.#closed) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve({ value: result, done: false });
      return;
    }
    if (this.#buffer.length >= this.#limit) {
      this.#buffer.shift();
      this.dropped += 1;
    }
    this.#buffer.push(result);
  }

  /** Delivers a final result (e.g. an error on schema reload) and ends the stream. */
  end(final?: ExecutionResult) {
    if (final) this.push(final);
    this.#finish();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const buffered = this.#buffer.shift();
    if (buffered) return Promise.resolve({ value: buffered, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.#buffer.length = 0;
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<ExecutionResult>> {
    return this.return();
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  #finish() {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#waiting && this.#buffer.length === 0) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve({ value: undefined, done: true });
    }
    this.#onClose();
  }
}
