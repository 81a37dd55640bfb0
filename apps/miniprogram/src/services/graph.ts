// The mini-program's GraphQL client: queries and mutations over HTTP (uni.request: wx.request in
// the mini-program, XHR in H5), every subscription over ONE graphql-ws socket. Documents are sent
// by their sha256 only (trusted documents, packages/graph-client).
import { reactive } from 'vue';
import type { Client } from 'graphql-ws';
import {
  createGraphWsClient,
  createSession,
  persistedRequest,
  SessionExpiredError,
  type Tokens,
} from '@sport-venue/graph-client';
import { MpRefreshDocument, type MpRefreshMutation } from '@sport-venue/graph-client/miniprogram';
import { TransientError } from '../lib/idempotent-action.ts';
import { createUniWebSocketClass } from '../lib/uni-websocket.ts';
import { configReady, graphqlUrl, isH5, wsUrl } from './config.ts';

export interface GraphErrorShape {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A GraphQL error answer: the server spoke, so it is never retried blindly. */
export class GraphError extends Error {
  readonly code: string;
  readonly extensions: Record<string, unknown>;
  constructor(error: GraphErrorShape) {
    super(error.message);
    this.name = 'GraphError';
    this.code = error.extensions?.code ?? 'ERROR';
    this.extensions = error.extensions ?? {};
  }
}

interface TypedDoc<R, V> {
  __apiType?: (variables: V) => R;
}

const TOKENS_KEY = 'sv.tokens';

export const session = createSession({
  storage: {
    load: () => (uni.getStorageSync(TOKENS_KEY) as Tokens | '') || null,
    save: (tokens) => uni.setStorageSync(TOKENS_KEY, tokens),
    clear: () => uni.removeStorageSync(TOKENS_KEY),
  },
  refresh: async (refreshToken) => {
    const { data, errors } = await post<MpRefreshMutation>(MpRefreshDocument, { refreshToken }, null);
    if (!data?.refreshToken) {
      if (errors?.some((e) => e.extensions?.code === 'NETWORK')) throw new TransientError('offline');
      throw new SessionExpiredError();
    }
    return data.refreshToken;
  },
});

function httpPost(body: unknown, token: string | null): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    uni.request({
      url: graphqlUrl(),
      method: 'POST',
      data: body as Record<string, unknown>,
      header: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      timeout: 15_000,
      success: (res) => resolve({ status: res.statusCode, body: res.data }),
      fail: (err) => reject(new TransientError(err.errMsg ?? 'request failed')),
    });
  });
}

async function post<R>(
  doc: unknown,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<{ data: R | null; errors: GraphErrorShape[] | undefined }> {
  let res;
  await configReady;
  try {
    res = await httpPost(persistedRequest(doc, variables), token);
  } catch (err) {
    if (err instanceof TransientError)
      return { data: null, errors: [{ message: err.message, extensions: { code: 'NETWORK' } }] };
    throw err;
  }
  const body = (typeof res.body === 'string' ? JSON.parse(res.body || '{}') : res.body) as {
    data?: R | null;
    errors?: GraphErrorShape[];
  };
  if (res.status >= 500 && !body?.data) {
    return { data: null, errors: [{ message: `HTTP ${res.status}`, extensions: { code: 'NETWORK' } }] };
  }
  return { data: body?.data ?? null, errors: body?.errors };
}

/**
 * Runs an operation as the signed-in user (refreshing the token when the router says it is stale)
 * and returns data with any partial errors. Network trouble throws TransientError.
 */
export async function execute<R, V extends Record<string, unknown>>(
  doc: TypedDoc<R, V> | unknown,
  variables: V = {} as V,
): Promise<{ data: R | null; errors: GraphErrorShape[] }> {
  let token = await session.accessToken().catch(() => null);
  let result = await post<R>(doc, variables, token);
  if (result.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED') && token) {
    token = await session.forceRefresh().catch(() => null);
    if (token) result = await post<R>(doc, variables, token);
  }
  const network = result.errors?.find((e) => e.extensions?.code === 'NETWORK');
  if (network) {
    connection.httpOffline = true;
    throw new TransientError(network.message);
  }
  connection.httpOffline = false;
  return { data: result.data, errors: result.errors ?? [] };
}

/** Like execute, but any error rejects (with the first GraphError). */
export async function run<R, V extends Record<string, unknown>>(
  doc: TypedDoc<R, V> | unknown,
  variables: V = {} as V,
): Promise<R> {
  const { data, errors } = await execute<R, V>(doc, variables);
  if (errors.length || !data) throw new GraphError(errors[0] ?? { message: 'no data' });
  return data;
}

/** What the offline banner shows. */
export const connection = reactive({ socketDown: false, httpOffline: false, reconnects: 0 });

let ws: Client | null = null;

function socketClient(): Client {
  if (ws) return ws;
  let wasConnected = false;
  ws = createGraphWsClient({
    url: wsUrl(),
    session,
    // H5: the browser's WebSocket; the mini-program: uni.connectSocket through the adapter.
    webSocketImpl: isH5 ? undefined : createUniWebSocketClass(uni.connectSocket as never),
    options: {
      // Page switches drop one page's subscriptions just before the next page subscribes: keep the
      // socket a moment so it is reused rather than reopened.
      lazyCloseTimeout: 5_000,
      url: async () => {
        await configReady;
        return wsUrl();
      },
      retryWait: async (retries) => {
        await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** retries, 15_000) + Math.random() * 500));
      },
      on: {
        connected: () => {
          if (wasConnected) connection.reconnects += 1;
          wasConnected = true;
          connection.socketDown = false;
        },
        closed: () => {
          if (wasConnected) connection.socketDown = true;
        },
      },
    },
  });
  return ws;
}

/**
 * Subscribes over the shared socket. After a reconnect graphql-ws resubscribes by itself;
 * `onResubscribed` lets the page re-read the state it may have missed meanwhile.
 */
export function subscribe<R>(
  doc: unknown,
  variables: Record<string, unknown>,
  onData: (data: R) => void,
): () => void {
  const request = persistedRequest(doc, variables);
  return socketClient().subscribe<R>(
    { query: '', variables: request.variables, extensions: request.extensions },
    {
      next: (message) => {
        if (message.data) onData(message.data as R);
      },
      error: () => {
        connection.socketDown = true;
      },
      complete: () => {},
    },
  );
}

/** Drops the socket (sign-out: the next subscription connects with the new identity). */
export async function resetSocket() {
  const old = ws;
  ws = null;
  await old?.dispose();
}
