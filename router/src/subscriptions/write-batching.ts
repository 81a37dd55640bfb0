// A socket subscribed to many venues gets several messages per event-loop turn (one per event of
// each of its subscriptions). Written one by one, each is a system call; corked until the turn
// ends, they leave in one write. Nothing waits longer than the current turn.
import type { WebSocket } from 'ws';

export function batchWrites(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void; destroyed: boolean } })
    ._socket;
  if (!socket) return;
  let corked = false;
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  (ws as unknown as { send: (...args: unknown[]) => void }).send = (...args) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        if (!socket.destroyed) socket.uncork();
      });
    }
    send(...args);
  };
}
