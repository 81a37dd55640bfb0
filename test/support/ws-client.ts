// A real graphql-ws client for end-to-end tests, with helpers to await results.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export function wsClient(
  httpUrl: string,
  connectionParams: Record<string, unknown> = {},
  opts: { lazy?: boolean; localAddress?: string } = {},
) {
  const closes: Array<{ code: number; reason: string }> = [];
  const { localAddress } = opts;
  // From another loopback address (127.0.0.2 …) the router sees another client IP.
  const webSocketImpl = localAddress
    ? class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { localAddress });
        }
      }
    : WebSocket;
  const client: Client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl,
    connectionParams,
    lazy: opts.lazy ?? true,
    retryAttempts: 0,
    on: {
      closed: (event) =>
        closes.push({ code: (event as { code: number }).code, reason: (event as { reason: string }).reason }),
    },
  });
  return { client, closes };
}

export interface Received<T> {
  results: T[];
  errors: unknown[];
  done: boolean;
  next(timeoutMs?: number): Promise<T>;
  stop(): void;
}

/** Starts a subscription and collects its results. */
export function subscribe<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Received<T> {
  const waiters: Array<(value: T) => void> = [];
  const received: Received<T> = {
    results: [],
    errors: [],
    done: false,
    next(timeoutMs = 10_000) {
      return new Promise<T>((resolve, reject) => {
        const waiter = (value: T) => {
          clearTimeout(timer);
          resolve(value);
        };
        // A timed-out wait gives up its place: the next result goes to the next waiter.
        const timer = setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at !== -1) waiters.splice(at, 1);
          reject(new Error(`no result within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    stop: () => undefined,
  };
  received.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        received.results.push(value as T);
        waiters.shift()?.(value as T);
      },
      error: (err) => {
        received.errors.push(err);
        received.done = true;
      },
      complete: () => {
        received.done = true;
      },
    },
  );
  return received;
}

/** Runs a query or mutation over the socket; its one result, or `{ errors }` the server refused it with. */
export function execute<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  return new Promise((resolve, reject) => {
    let result: {
      data?: T | null;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    } = {};
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          result = value as typeof result;
        },
        error: (err) => (Array.isArray(err) ? resolve({ errors: err as typeof result.errors }) : reject(err)),
        complete: () => resolve(result),
      },
    );
  });
}
