// One urql client for the console: every operation by its trusted-document hash, the access token
// on each request (refreshed ahead of expiry, once more after a 401), subscriptions over one
// graphql-ws socket.
import { Client, cacheExchange, fetchExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import {
  createGraphWsClient,
  createSession,
  documentHash,
  persistedRequest,
  SessionExpiredError,
  type Session,
  type Tokens,
  type TokenStorage,
} from '@sport-venue/graph-client';
import { ConsoleRefreshDocument } from '@sport-venue/graph-client/console';
import { wsUrlOf } from './runtime-config.ts';

const STORAGE_KEY = 'sv-console-session';

const localStore: TokenStorage = {
  load() {
    try {
      const raw = localStorage.getItem(STORAGE_KEY);
      return raw ? (JSON.parse(raw) as Tokens) : null;
    } catch {
      return null;
    }
  },
  save: (tokens) => localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens)),
  clear: () => localStorage.removeItem(STORAGE_KEY),
};

/** Codes that mean "this refresh token is no good": the session is over, log in again. */
const REFUSED = new Set(['UNAUTHENTICATED', 'BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND']);

async function refreshWith(graphUrl: string, refreshToken: string): Promise<Tokens> {
  const res = await fetch(graphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(persistedRequest(ConsoleRefreshDocument, { refreshToken })),
  });
  const body = (await res.json()) as {
    data?: { refreshToken: Tokens };
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.data?.refreshToken) return body.data.refreshToken;
  const code = body.errors?.[0]?.extensions?.code;
  if (code && REFUSED.has(code)) throw new SessionExpiredError(body.errors?.[0]?.message);
  throw new Error(body.errors?.[0]?.message ?? `refresh failed with HTTP ${res.status}`);
}

export interface Graph {
  client: Client;
  session: Session;
  wsUrl: string;
  /** Reconnects the socket with the current identity (after a login). */
  restartSocket(): void;
}

export function createGraph(graphUrl: string, onSessionEnded: () => void): Graph {
  const session = createSession({ storage: localStore, refresh: (rt) => refreshWith(graphUrl, rt) });
  const ws = createGraphWsClient({ url: wsUrlOf(graphUrl), session });

  const authFetch: typeof fetch = async (input, init) => {
    const send = (token: string | null) => {
      const headers = new Headers(init?.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    const token = await session.accessToken();
    const res = await send(token);
    if (res.status !== 401 || !token) return res;
    const next = await session.forceRefresh();
    if (!next) {
      onSessionEnded();
      return res;
    }
    return send(next);
  };

  const client = new Client({
    url: graphUrl,
    fetch: authFetch,
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange,
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        preferGetForPersistedQueries: false,
        generateHash: async (_query, document) => documentHash(document),
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request, operation) => ({
          subscribe: (sink) => ({
            unsubscribe: ws.subscribe(
              {
                query: '',
                variables: request.variables as Record<string, unknown>,
                extensions: persistedRequest(operation.query).extensions,
              },
              sink,
            ),
          }),
        }),
      }),
    ],
  });
  session.subscribe((tokens) => {
    // A new identity (login, logout) must not keep the previous one's socket.
    if (!tokens) void ws.terminate();
  });
  return { client, session, wsUrl: wsUrlOf(graphUrl), restartSocket: () => void ws.terminate() };
}

export function errorCode(error: CombinedError | undefined | null): string | null {
  const code = error?.graphQLErrors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : null;
}
