// GraphQL over WebSocket (`graphql-transport-ws`, the graphql-ws protocol; spec in docs/) on the
// router's /graphql. Many subscriptions share one socket — a WeChat mini-program may hold at most
// five — and queries/mutations may use the socket too. Close codes come from the protocol:
// 4400 bad message, 4401 unauthorised, 4403 forbidden (bad or expired token), 4408 init timeout,
// 4409 duplicate id, 4429 too many init requests.
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import {
  GraphQLError,
  getOperationAST,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { checkDocument, type Limits } from '../limits.ts';
import { requestInfo, type Logger, type Viewer } from '@sport-venue/shared';
import { AuthenticationError, type Authenticate } from '../auth.ts';
import type { SocketSlot, SocketSlots } from '../socket-slots.ts';
import { checkAccess, type SecurityPolicy } from '../security.ts';
import { clientIp } from '../context.ts';
import type { RouterContext } from '../gateway.ts';
import { createDocumentCache } from './document-cache.ts';
import type { SubscriptionHub } from './hub.ts';
import { batchWrites } from './write-batching.ts';
import { DirectDelivery, sinkOf } from './socket-sink.ts';

export interface WebSocketOptions {
  server: Server;
  path: string;
  schema: () => GraphQLSchema;
  policy: () => SecurityPolicy;
  hub: SubscriptionHub;
  authenticate: Authenticate;
  /** Runs a query or mutation through the gateway (same pipeline as HTTP). */
  runOperation: (
    args: { query: string; variables: Record<string, unknown>; operationName?: string | null },
    context: RouterContext,
  ) => Promise<unknown>;
  logger: Logger;
  maxSubscriptionsPerSocket: number;
  /** Per-user socket slots, shared by every router replica (socket-slots.ts). */
  socketSlots: Pick<SocketSlots, 'acquire'>;
  /** Unsent bytes a socket may hold before it is closed as a slow consumer. */
  maxBufferedBytes: number;
  onSlowConsumer?: () => void;
  limits: Limits;
  initTimeoutMs: number;
  /** The document to run for a subscribe payload (trusted documents), or the error to answer with. */
  resolveQuery?: (payload: { query: string; extensions?: unknown }) => string | GraphQLError;
  /** Browsers' upgrade requests carry an Origin: refused unless allowed (CORS_ORIGINS). */
  originAllowed?: (origin: string | undefined) => boolean;
}

/** An operation's context on a socket: a subscription's results are written to it directly. */
type SubscribeContext = RouterContext & { direct: DirectDelivery };

interface SocketState {
  viewer: Viewer | null;
  expiryTimer?: NodeJS.Timeout;
  slot?: SocketSlot;
  active: Set<string>;
}

function tokenFrom(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof raw !== 'string' || raw === '') return null;
  return raw.replace(/^Bearer\s+/i, '');
}

export function attachWebSocket(opts: WebSocketOptions) {
  const wss = new WebSocketServer({
    server: opts.server,
    path: opts.path,
    maxPayload: 1_000_000,
    verifyClient: ({ origin }: { origin?: string }) => opts.originAllowed?.(origin || undefined) ?? true,
  });
  wss.on('connection', batchWrites);
  const documents = createDocumentCache();
  const sinkLimits = { maxBufferedBytes: opts.maxBufferedBytes, onSlowConsumer: opts.onSlowConsumer };
  const states = new WeakMap<object, SocketState>();
  const stateOf = (extra: object) => {
    let s = states.get(extra);
    if (!s) states.set(extra, (s = { viewer: null, active: new Set() }));
    return s;
  };

  const cleanup = useServer<
    Record<string, unknown> | undefined,
    { socket: WebSocket; request: IncomingMessage }
  >(
    {
      connectionInitWaitTimeout: opts.initTimeoutMs,
      onConnect: async (ctx) => {
        const token = tokenFrom(ctx.connectionParams);
        if (!token) return true; // anonymous sockets may subscribe to public data
        try {
          const { viewer, expiresAt } = await opts.authenticate(token);
          const slot = await opts.socketSlots.acquire(viewer.userId);
          if (!slot) {
            ctx.extra.socket.close(4403, 'Forbidden: too many sockets for this user');
            return false;
          }
          // Closed while the slot was being granted: onClose has run already, nothing else frees it.
          if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) {
            slot.release();
            return false;
          }
          const state = stateOf(ctx.extra);
          state.viewer = viewer;
          state.slot = slot;
          const ms = expiresAt * 1000 - Date.now();
          // The socket outlives no token: at expiry every subscription on it ends with a clear reason.
          state.expiryTimer = setTimeout(
            () => ctx.extra.socket.close(4403, 'Forbidden: access token expired'),
            Math.max(ms, 0),
          );
          state.expiryTimer.unref();
          return true;
        } catch (err) {
          if (err instanceof AuthenticationError) return false; // 4403 Forbidden
          throw err;
        }
      },
      onClose: (ctx) => {
        const state = states.get(ctx.extra);
        clearTimeout(state?.expiryTimer);
        state?.slot?.release();
      },
      onSubscribe: (ctx, id, payload) => {
        const state = stateOf(ctx.extra);
        if (state.active.size >= opts.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(`at most ${opts.maxSubscriptionsPerSocket} operations per socket`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const schema = opts.schema();
        const query = opts.resolveQuery ? opts.resolveQuery(payload) : payload.query;
        if (query instanceof GraphQLError) return [query];
        let document;
        let validationErrors;
        try {
          ({ document, errors: validationErrors } = documents.get(schema, query, opts.limits.maxTokens));
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError('malformed query')];
        }
        // The same context an HTTP request gets: the client's address (per-IP rate limit) and the
        // trace context and request id of the upgrade request.
        const contextValue: SubscribeContext = {
          ...requestInfo(ctx.extra.request),
          ip: clientIp(ctx.extra.request),
          viewer: state.viewer,
          authError: null,
          direct: new DirectDelivery(sinkOf(ctx.extra.socket, sinkLimits), id),
        };
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue,
        };
        // Limits before anything else: measuring is linear in the document, validation is not.
        const measured = checkDocument(
          schema,
          document,
          opts.limits,
          payload.variables ?? {},
          payload.operationName,
        );
        if (measured.error) return [measured.error];
        const operation = getOperationAST(document, payload.operationName);
        if (operation && operation.operation !== 'subscription') {
          // Queries and mutations run through Apollo (runOperation), whose pipeline validates them
          // and applies the limits, access checks and rate limit (the router's guard plugin).
          state.active.add(id);
          return args;
        }
        const invalid = validationErrors();
        if (invalid.length)
          return invalid.map(
            (e) =>
              new GraphQLError(e.message, {
                nodes: e.nodes,
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
          );
        const denied = checkAccess(schema, document, opts.policy(), state.viewer);
        if (denied) return [denied];
        state.active.add(id);
        return args;
      },
      onComplete: (ctx, id) => {
        stateOf(ctx.extra).active.delete(id);
      },
      subscribe: (args) =>
        opts.hub.subscribe({
          schema: args.schema,
          document: args.document,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          operationName: args.operationName,
          viewer: (args.contextValue as SubscribeContext).viewer,
          direct: (args.contextValue as SubscribeContext).direct,
        }),
      execute: async (args) => {
        const result = (await opts.runOperation(
          {
            query: (args.document.loc?.source.body ?? '') as string,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            operationName: args.operationName,
          },
          args.contextValue as RouterContext,
        )) as { errors?: readonly GraphQLFormattedError[] };
        // Apollo answers with formatted errors (plain objects); graphql-ws serialises each error
        // with toJSON (as GraphQLError has), so give them one that keeps them as they are.
        if (!result.errors) return result as never;
        return { ...result, errors: result.errors.map((e) => ({ ...e, toJSON: () => e })) } as never;
      },
    },
    wss,
  );

  return {
    wss,
    async close() {
      opts.hub.closeAll('the server is shutting down', 'SHUTTING_DOWN');
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
