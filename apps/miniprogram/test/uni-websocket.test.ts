// The graphql-ws client over the uni.connectSocket adapter, against a real graphql-ws server on a
// real socket. `fakeUni` plays uni-app's part: it promisifies a call without callbacks (as
// uni.connectSocket does) and otherwise returns a SocketTask backed by a `ws` WebSocket.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import {
  createUniWebSocketClass,
  type ConnectSocketOptions,
  type SocketTaskLike,
} from '../src/lib/uni-websocket.ts';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Subscription { ticks(name: String!, count: Int!): String! }
`);
const roots = {
  ticks: async function* ({ name, count }: { name: string; count: number }) {
    for (let i = 1; i <= count; i++) {
      await new Promise((r) => setTimeout(r, 20));
      yield { ticks: `${name}-${i}` };
    }
    // Stay open until the client unsubscribes (as a live subscription does).
    await new Promise(() => {});
  },
};

let url = '';
let wss: WebSocketServer;
const httpServer = createServer();

before(async () => {
  wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  useServer({ schema, roots: { subscription: roots } }, wss);
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`;
});

after(async () => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  httpServer.closeAllConnections();
  await new Promise((r) => httpServer.close(r));
});

function fakeUni() {
  const calls: ConnectSocketOptions[] = [];
  const sockets: WebSocket[] = [];
  const connectSocket = (opts: ConnectSocketOptions): SocketTaskLike | Promise<unknown> => {
    calls.push(opts);
    if (!('complete' in opts) && !('success' in opts) && !('fail' in opts)) return Promise.resolve({});
    const ws = new WebSocket(opts.url, opts.protocols);
    sockets.push(ws);
    return {
      onOpen: (cb) => ws.on('open', () => cb({})),
      onMessage: (cb) => ws.on('message', (data) => cb({ data: data.toString() })),
      onError: (cb) => ws.on('error', (err) => cb({ errMsg: err.message })),
      onClose: (cb) => ws.on('close', (code, reason) => cb({ code, reason: reason.toString() })),
      send: ({ data }) => ws.send(data),
      close: ({ code, reason }) => ws.close(code, reason),
    };
  };
  return { connectSocket, calls, sockets };
}

function take(client: ReturnType<typeof createClient>, name: string, count: number) {
  const got: string[] = [];
  let stop = () => {};
  const done = new Promise<string[]>((resolve, reject) => {
    stop = client.subscribe<{ ticks: string }>(
      {
        query: 'subscription ($name: String!, $count: Int!) { ticks(name: $name, count: $count) }',
        variables: { name, count },
      },
      {
        next: ({ data }) => {
          got.push(data!.ticks);
          if (got.length === count) resolve(got);
        },
        error: reject,
        complete: () => {},
      },
    );
  });
  return { done, stop: () => stop() };
}

test('the adapter passes complete, so uni returns a SocketTask rather than a Promise', () => {
  const uni = fakeUni();
  const Impl = createUniWebSocketClass(uni.connectSocket);
  const socket = new Impl(url, 'graphql-transport-ws');
  assert.equal(typeof uni.calls[0]!.complete, 'function');
  assert.deepEqual(uni.calls[0]!.protocols, ['graphql-transport-ws']);
  assert.equal(socket.protocol, 'graphql-transport-ws');
  socket.close();
  const promisified = createUniWebSocketClass((opts) => uni.connectSocket({ url: opts.url }));
  assert.throws(() => new promisified(url), /did not return a SocketTask/);
});

test('graphql-ws runs two subscriptions over one uni socket', async () => {
  const uni = fakeUni();
  const client = createClient({ url, webSocketImpl: createUniWebSocketClass(uni.connectSocket), lazy: true });
  const a = take(client, 'a', 3);
  const b = take(client, 'b', 2);
  assert.deepEqual(await a.done, ['a-1', 'a-2', 'a-3']);
  assert.deepEqual(await b.done, ['b-1', 'b-2']);
  assert.equal(uni.calls.length, 1);
  a.stop();
  b.stop();
  await client.dispose();
});

test('after the socket is lost the client reconnects and resubscribes over a new socket', async () => {
  const uni = fakeUni();
  const closes: number[] = [];
  const client = createClient({
    url,
    webSocketImpl: createUniWebSocketClass(uni.connectSocket),
    retryAttempts: 5,
    retryWait: () => new Promise((r) => setTimeout(r, 50)),
    shouldRetry: () => true,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  const first: string[] = [];
  let resubscribed!: () => void;
  const afterReconnect = new Promise<void>((r) => (resubscribed = r));
  const stop = client.subscribe<{ ticks: string }>(
    { query: 'subscription { ticks(name: "live", count: 2) }' },
    {
      next: ({ data }) => {
        first.push(data!.ticks);
        if (uni.calls.length === 2 && first.filter((t) => t === 'live-2').length === 2) resubscribed();
        // Drop the connection from the server side once the first run has delivered everything.
        if (uni.calls.length === 1 && data!.ticks === 'live-2') for (const c of wss.clients) c.terminate();
      },
      error: (err) => assert.fail(String(err)),
      complete: () => {},
    },
  );
  await afterReconnect;
  assert.equal(uni.calls.length, 2);
  assert.deepEqual(first, ['live-1', 'live-2', 'live-1', 'live-2']);
  assert.ok(closes.includes(1006), `abnormal close reported, got ${closes.join(',')}`);
  stop();
  await client.dispose();
});

test('an error without a close event still ends the socket, once', () => {
  let handlers: { error?: (r: { errMsg?: string }) => void; close?: (r: { code?: number }) => void } = {};
  const Impl = createUniWebSocketClass(() => ({
    onOpen: () => {},
    onMessage: () => {},
    onError: (cb) => (handlers.error = cb),
    onClose: (cb) => (handlers.close = cb),
    send: () => {},
    close: () => {},
  }));
  const socket = new Impl('wss://example.invalid/graphql', 'graphql-transport-ws');
  const closed: number[] = [];
  socket.onclose = (e) => closed.push(e.code);
  handlers.error!({ errMsg: 'connectSocket:fail' });
  handlers.close!({ code: 1000 });
  assert.deepEqual(closed, [1006]);
  assert.equal(socket.readyState, Impl.CLOSED);
  handlers = {};
});

test('close codes WeChat refuses are sent as 1000; sending before open throws', () => {
  const sent: Array<{ code?: number }> = [];
  const Impl = createUniWebSocketClass(() => ({
    onOpen: () => {},
    onMessage: () => {},
    onError: () => {},
    onClose: () => {},
    send: () => {},
    close: (opts) => void sent.push(opts),
  }));
  const socket = new Impl('wss://example.invalid/graphql');
  assert.throws(() => socket.send('x'), /not open/);
  socket.close(1011, 'internal');
  assert.deepEqual(sent, [{ code: 1000, reason: 'internal' }]);
  const other = new Impl('wss://example.invalid/graphql');
  other.close(4499, 'Terminated');
  assert.deepEqual(sent[1], { code: 4499, reason: 'Terminated' });
});
