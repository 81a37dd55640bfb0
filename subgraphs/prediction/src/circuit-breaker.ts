/**
 * A circuit breaker so a down or slow predictor is not hammered by every GraphQL request:
 * closed → open after `failureThreshold` consecutive failures → half-open once `cooldownMs` has
 * passed (one trial call; others are still rejected) → closed on success, open again on failure.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor() {
    super('circuit open: call not attempted');
  }
}

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

export class CircuitBreaker {
  #failures = 0;
  #openedAt = 0;
  #state: BreakerState = 'closed';
  #trialInFlight = false;
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Current state; an open breaker whose cool-down has passed reads as half-open. */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#options.cooldownMs)
      return 'half-open';
    return this.#state;
  }

  /**
   * Runs `fn` unless the circuit is open. `isFailure` decides which errors count (a caller's bad
   * input says nothing about the predictor's health).
   */
  async run<T>(fn: () => Promise<T>, isFailure: (err: unknown) => boolean = () => true): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#trialInFlight)) throw new CircuitOpenError();
    const trial = state === 'half-open';
    if (trial) this.#trialInFlight = true;
    try {
      const result = await fn();
      this.#succeeded();
      return result;
    } catch (err) {
      if (isFailure(err)) this.#failed(trial);
      else if (trial) this.#succeeded();
      throw err;
    } finally {
      if (trial) this.#trialInFlight = false;
    }
  }

  #succeeded() {
    this.#failures = 0;
    this.#set('closed');
  }

  #failed(trial: boolean) {
    this.#failures++;
    if (trial || this.#failures >= this.#options.failureThreshold) {
      this.#openedAt = this.#now();
      this.#set('open');
    }
  }

  #set(state: BreakerState) {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onStateChange?.(state);
  }
}
