import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import type { Session } from './session.ts';

export interface GraphWsOptions {
  /** ws:// or wss:// URL of the router's /graphql. */
  url: string;
  session?: Session;
  /** A WebSocket implementation: the browser's, or the mini-program's adapter over wx.connectSocket. */
  webSocketImpl?: unknown;
  /** Further graphql-ws options (retry policy, event hooks). */
  options?: Partial<ClientOptions>;
}

/**
 * One graphql-ws client (one socket) for all of a client's subscriptions. Lazy: the socket opens
 * with the first subscription and closes after the last. Every (re)connect sends a fresh access
 * token: the router ends a socket when its token expires, and the retry picks up the refreshed one.
 */
export function createGraphWsClient(opts: GraphWsOptions): Client {
  return createClient({
    url: opts.url,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    ...(opts.webSocketImpl ? { webSocketImpl: opts.webSocketImpl } : {}),
    connectionParams: async () => {
      const token = opts.session ? await opts.session.accessToken() : null;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    ...opts.options,
  });
}
