// Subscription results written straight onto the subscriber's WebSocket. graphql-ws would await
// each message's write callback before taking the next result of a subscription, and serialise
// the whole message once per subscriber; with thousands of subscribers per event that is one
// promise chain and one JSON.stringify per delivery. The hub serialises an event's result once and
// each subscription only adds its own `{"id":…,"type":"next","payload":` around it.
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

export class SocketSink {
  readonly #ws: WebSocket;
  readonly #limits: SinkLimits;

  constructor(ws: WebSocket, limits: SinkLimits) {
    this.#ws = ws;
    this.#limits = limits;
  }

  /** Writes one text message; false when the socket no longer takes messages. */
  send(text: string): boolean {
    const ws = this.#ws;
    if (ws.readyState !== OPEN) return false;
    if (ws.bufferedAmount > this.#limits.maxBufferedBytes) {
      // CLOSING from here on: ws queues nothing more, the close frame follows what is unsent.
      ws.close(SLOW_CONSUMER_CLOSE_CODE, SLOW_CONSUMER_CLOSE_REASON);
      this.#limits.onSlowConsumer?.();
      return false;
    }
    ws.send(text);
    return true;
  }
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
