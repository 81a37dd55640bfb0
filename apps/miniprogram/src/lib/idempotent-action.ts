// A user action that must take effect at most once however often it is sent: check in, check out,
// book. The idempotency key is made once per tap and reused for every retry of that tap —
// automatic retries after a transient failure, and the user's own "retry" after the app gave up —
// because the server may have applied a request whose answer was lost. A tap while the previous one
// is still in flight joins it instead of sending again.

export interface AttemptContext {
  idempotencyKey: string;
  /** 1 for the first send of a key, 2 for its first retry, … */
  attempt: number;
}

export interface IdempotentActionOptions {
  /** Sends within one tap, the first included. */
  maxAttempts?: number;
  /** Wait before retry n (1-based), in ms. */
  backoffMs?: (retry: number) => number;
  /** Whether an error may have been transient (lost answer, 5xx, timeout): only those are retried. */
  isTransient?: (err: unknown) => boolean;
  newKey?: () => string;
  sleep?: (ms: number) => Promise<void>;
}

/** An error the client could not classify as an answer from the server: network, timeout, 5xx. */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientError';
  }
}

export function isTransientError(err: unknown): boolean {
  return err instanceof TransientError;
}

/** A random UUID v4 (the platform's when it has one; WeChat's JS runtime lacks crypto.randomUUID). */
export function randomKey(): string {
  const c = (
    globalThis as {
      crypto?: { randomUUID?: () => string; getRandomValues?: (bytes: Uint8Array) => Uint8Array };
    }
  ).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function idempotentAction<A extends unknown[], R>(
  send: (ctx: AttemptContext, ...args: A) => Promise<R>,
  options: IdempotentActionOptions = {},
) {
  const maxAttempts = options.maxAttempts ?? 3;
  const backoffMs = options.backoffMs ?? ((retry: number) => 500 * 2 ** (retry - 1));
  const isTransient = options.isTransient ?? isTransientError;
  const newKey = options.newKey ?? randomKey;
  const sleep = options.sleep ?? defaultSleep;

  // The key of a tap whose outcome is unknown (gave up on transient errors): the next tap is its retry.
  let unresolvedKey: string | null = null;
  let inFlight: Promise<R> | null = null;
  let attemptsOfKey = 0;

  async function run(key: string, args: A): Promise<R> {
    for (let retry = 0; ; retry++) {
      attemptsOfKey += 1;
      try {
        const result = await send({ idempotencyKey: key, attempt: attemptsOfKey }, ...args);
        unresolvedKey = null;
        return result;
      } catch (err) {
        if (!isTransient(err)) {
          // The server answered: the key's outcome is known, a later tap is a new action.
          unresolvedKey = null;
          throw err;
        }
        unresolvedKey = key;
        if (retry + 1 >= maxAttempts) throw err;
        await sleep(backoffMs(retry + 1));
      }
    }
  }

  return {
    /** One tap. Resolves with the server's answer, or rejects with the last error. */
    tap(...args: A): Promise<R> {
      if (inFlight) return inFlight;
      const key = unresolvedKey ?? newKey();
      if (key !== unresolvedKey) attemptsOfKey = 0;
      inFlight = run(key, args).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    /** The key the next tap reuses, if the last one ended without a known outcome. */
    get pendingKey() {
      return unresolvedKey;
    },
    get busy() {
      return inFlight !== null;
    },
  };
}
