// Subscription results written straight onto the subscriber's WebSocket. graphql-ws would await
// each message's write callback before taking the next result of a subscription, and serialise
// the whole message once per subscriber; with thousands of subscribers per event that is one
// promise chain and one JSON.stringify per delivery. The hub serialises an event's result once and
// each subscription only adds its own `{"id":…,"type":"next","payload":` around it.
//
// Messages of one event-loop turn leave a socket together: framed (RFC 6455, unmasked text
// frames, as the server sends them) into one buffer and written once when the turn ends, instead
// of two writes and three allocations per message through ws's Sender. Anything else sent on the
// socket (graphql-ws's own messages) first flushes what is pending, so the order stays the order
// of sending; after a close nothing pending is written.
//
// A socket whose client reads slower than events arrive would otherwise grow the router's memory
// without bound: once more than `maxBufferedBytes` wait unsent on it, it is closed with 1013 (Try
// Again Later) and a reason naming the cause, and nothing more is queued on it. graphql-ws
// clients reconnect after 1013 and resubscribe, getting the current state with the next event.
import type { WebSocket } from 'ws';

/** Close code for a socket dropped because its client did not read its messages. */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;
export const SLOW_CONSUMER_CLOSE_REASON = 'Try Again Later: slow consumer, too many unsent messages';

const OPEN = 1;

export interface SinkLimits {
  maxBufferedBytes: number;
  onSlowConsumer?: () => void;
}

interface RawSocket {
  write(chunk: Buffer): boolean;
  destroyed: boolean;
}

export class SocketSink {
  readonly #ws: WebSocket;
  readonly #socket: RawSocket;
  readonly #limits: SinkLimits;
  #pending: string[] = [];
  #pendingBytes = 0;
  #scheduled = false;

  constructor(ws: WebSocket, limits: SinkLimits) {
    this.#ws = ws;
    this.#limits = limits;
    this.#socket = (ws as unknown as { _socket: RawSocket })._socket;
    // Every other message on this socket goes out after what this sink holds.
    const send = ws.send.bind(ws) as (...args: unknown[]) => void;
    (ws as unknown as { send: (...args: unknown[]) => void }).send = (...args) => {
      this.flush();
      send(...args);
    };
  }

  /** Queues one text message for the end of this turn; false when the socket takes no more. */
  send(text: string): boolean {
    if (this.#ws.readyState !== OPEN) return false;
    if (this.#ws.bufferedAmount + this.#pendingBytes > this.#limits.maxBufferedBytes) {
      this.#pending = [];
      this.#pendingBytes = 0;
      // CLOSING from here on: nothing more is queued, the close frame follows what is unsent.
      this.#ws.close(SLOW_CONSUMER_CLOSE_CODE, SLOW_CONSUMER_CLOSE_REASON);
      this.#limits.onSlowConsumer?.();
      return false;
    }
    this.#pending.push(text);
    // Characters, not bytes: a bound, not an account (multi-byte text is counted at flush).
    this.#pendingBytes += text.length;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushLater);
    }
    return true;
  }

  readonly #flushLater = () => {
    this.#scheduled = false;
    this.flush();
  };

  /** Writes what is pending as one buffer of frames. */
  flush(): void {
    const messages = this.#pending;
    if (messages.length === 0) return;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#ws.readyState !== OPEN || this.#socket.destroyed) return;
    this.#socket.write(frames(messages));
  }
}

/** Unmasked, unfragmented text frames (RFC 6455 §5.2), one after another in one buffer. */
export function frames(messages: string[]): Buffer {
  let total = 0;
  const lengths = new Array<number>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const length = Buffer.byteLength(messages[i]!);
    lengths[i] = length;
    total += length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
  }
  const buffer = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < messages.length; i++) {
    const length = lengths[i]!;
    buffer[offset++] = 0x81; // FIN + text
    if (length < 126) buffer[offset++] = length;
    else if (length < 65_536) {
      buffer[offset++] = 126;
      buffer.writeUInt16BE(length, offset);
      offset += 2;
    } else {
      buffer[offset++] = 127;
      buffer.writeBigUInt64BE(BigInt(length), offset);
      offset += 8;
    }
    offset += buffer.write(messages[i]!, offset, 'utf8');
  }
  return buffer;
}

/** One subscription's direct delivery: its socket and the message prefix carrying its id. */
export class DirectDelivery {
  readonly #sink: SocketSink;
  readonly #prefix: string;

  constructor(sink: SocketSink, id: string) {
    this.#sink = sink;
    this.#prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  /** Sends a `next` message whose payload is the already serialised result. */
  next(payloadJson: string): boolean {
    return this.#sink.send(this.#prefix + payloadJson + '}');
  }
}

const sinks = new WeakMap<WebSocket, SocketSink>();

/** The socket's sink (one per socket, shared by its subscriptions). */
export function sinkOf(ws: WebSocket, limits: SinkLimits): SocketSink {
  let sink = sinks.get(ws);
  if (!sink) sinks.set(ws, (sink = new SocketSink(ws, limits)));
  return sink;
}
