// A browser-style WebSocket class over uni-app's `uni.connectSocket`, so graphql-ws (which expects
// the WHATWG WebSocket API) runs in the WeChat mini-program. In H5 the browser's own WebSocket is
// used instead (see socket.ts).
//
// uni-app promisifies an API called without callbacks: `uni.connectSocket({ url })` alone returns a
// Promise, not the SocketTask we need to listen on. Passing `complete` keeps the callback form and
// returns the task synchronously.

/** The part of uni's SocketTask the adapter uses. */
export interface SocketTaskLike {
  onOpen(cb: (res: unknown) => void): void;
  onMessage(cb: (res: { data: string | ArrayBuffer }) => void): void;
  onError(cb: (res: { errMsg?: string }) => void): void;
  onClose(cb: (res: { code?: number; reason?: string }) => void): void;
  send(opts: { data: string | ArrayBuffer; fail?: (res: { errMsg?: string }) => void }): void;
  close(opts: { code?: number; reason?: string }): void;
}

export interface ConnectSocketOptions {
  url: string;
  protocols?: string[];
  header?: Record<string, string>;
  complete?: (res: unknown) => void;
}

export type ConnectSocket = (opts: ConnectSocketOptions) => SocketTaskLike | Promise<unknown>;

export interface CloseEventLike {
  code: number;
  reason: string;
  wasClean: boolean;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * Returns a WebSocket-compatible class bound to `connectSocket` (normally `uni.connectSocket`).
 * `onConnect` sees every task created: the one-socket tests count them.
 */
export function createUniWebSocketClass(connectSocket: ConnectSocket) {
  return class UniWebSocket {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = CLOSING;
    readonly CLOSED = CLOSED;

    readonly url: string;
    readonly protocol: string;
    readyState = CONNECTING;
    onopen: ((event: { type: 'open' }) => void) | null = null;
    onmessage: ((event: { data: string | ArrayBuffer }) => void) | null = null;
    onerror: ((event: { type: 'error'; message: string }) => void) | null = null;
    onclose: ((event: CloseEventLike) => void) | null = null;
    private readonly task: SocketTaskLike;

    constructor(url: string, protocols?: string | string[]) {
      this.url = url;
      const list = protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols];
      // WeChat does not report the negotiated sub-protocol; the server accepts only the one asked for.
      this.protocol = list[0] ?? '';
      const task = connectSocket({
        url,
        ...(list.length ? { protocols: list } : {}),
        complete: () => {},
      });
      if (!task || typeof (task as SocketTaskLike).onOpen !== 'function') {
        throw new Error('connectSocket did not return a SocketTask');
      }
      this.task = task as SocketTaskLike;
      this.task.onOpen(() => {
        if (this.readyState !== CONNECTING) return;
        this.readyState = OPEN;
        this.onopen?.({ type: 'open' });
      });
      this.task.onMessage((res) => {
        if (this.readyState === OPEN) this.onmessage?.({ data: res.data });
      });
      this.task.onError((res) => {
        this.onerror?.({ type: 'error', message: res?.errMsg ?? 'socket error' });
        // WeChat may report an error without a close (e.g. the handshake failed): end it here so the
        // client sees a close and reconnects.
        this.finish(1006, res?.errMsg ?? 'socket error');
      });
      this.task.onClose((res) => this.finish(res?.code ?? 1006, res?.reason ?? ''));
    }

    send(data: string | ArrayBuffer) {
      if (this.readyState !== OPEN) throw new Error('WebSocket is not open');
      this.task.send({
        data,
        fail: (res) => {
          this.onerror?.({ type: 'error', message: res?.errMsg ?? 'send failed' });
          this.finish(1006, 'send failed');
        },
      });
    }

    close(code = 1000, reason = '') {
      if (this.readyState === CLOSING || this.readyState === CLOSED) return;
      this.readyState = CLOSING;
      // WeChat accepts only 1000 and 3000–4999 as close codes.
      const allowed = code === 1000 || (code >= 3000 && code <= 4999);
      this.task.close({ code: allowed ? code : 1000, reason });
    }

    private finish(code: number, reason: string) {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.onclose?.({ code, reason, wasClean: code === 1000 });
    }
  };
}

export type UniWebSocketClass = ReturnType<typeof createUniWebSocketClass>;
