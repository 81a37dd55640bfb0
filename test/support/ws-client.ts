// A real graphql-ws client for end-to-end tests, with helpers to await results.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export function wsClient(
  httpUrl: string,
  connectionParams: Record<string, unknown> = {},
  opts: { lazy?: boolean } = {},
) {
  const closes: Array<{ code: number; reason: string }> = [];
  const client: Client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
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
        const timer = setTimeout(() => reject(new Error(`no result within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
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
