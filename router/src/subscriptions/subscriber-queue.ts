import type { ExecutionResult } from 'graphql';

/**
 * One subscriber's stream of results. Bounded: a slow client keeps only the newest results (live
 * counts and boards are superseded by the next event anyway), so one stuck socket cannot grow the
 * router's memory.
 */
export class SubscriberQueue implements AsyncIterableIterator<ExecutionResult> {
  readonly #buffer: ExecutionResult[] = [];
  readonly #limit: number;
  readonly #onClose: () => void;
  #waiting: ((value: IteratorResult<ExecutionResult>) => void) | null = null;
  #closed = false;
  dropped = 0;

  constructor(onClose: () => void, limit = 16) {
    this.#onClose = onClose;
    this.#limit = limit;
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
