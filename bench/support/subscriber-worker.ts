// Subscribers of `bench subscriptions`, in a worker thread so receiving ~100k messages a second is
// spread over threads rather than queued behind the publisher. Thin graphql-transport-ws clients
// over `ws`. Each subscription checks that its venue's count rises by exactly one per message (none
// missing, duplicated or out of order) and records the latency from the publisher's timestamp in
// shared memory (absolute milliseconds: timeOrigin + now, comparable across threads).
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

export interface SubscriberWorkerData {
  index: number;
  url: string;
  /** Global index of this worker's first socket, and how many it opens. */
  firstSocket: number;
  sockets: number;
  perSocket: number;
  subscribers: number;
  venueIds: string[];
  query: string;
  /** sentAt[venue * stride + count]: absolute ms the event making the count `count` was published. */
  sentAt: SharedArrayBuffer;
  stride: number;
  /** received[index]: messages this worker received so far (read by the main thread). */
  received: SharedArrayBuffer;
}

interface Subscription {
  venue: number;
  received: number;
  last: number;
  outOfOrder: number;
}

const data = workerData as SubscriberWorkerData;
const sentAt = new Float64Array(data.sentAt);
const received = new Int32Array(data.received);
const subs: Subscription[] = [];
const latencies: number[] = [];
const sockets: WebSocket[] = [];
const countOf = /"currentCount":(\d+)/;
const clock = () => performance.timeOrigin + performance.now();

await Promise.all(
  Array.from({ length: data.sockets }, (_, k) => {
    const s = data.firstSocket + k;
    const ws = new WebSocket(data.url, 'graphql-transport-ws');
    sockets.push(ws);
    const mine: Subscription[] = [];
    ws.on('message', (raw) => {
      const text = raw.toString();
      if (text.startsWith('{"id":"')) {
        // {"id":"<n>","type":"next","payload":{"data":{"occupancyChanged":{…"currentCount":k…}}}}
        const now = clock();
        const sub = mine[Number(text.slice(7, text.indexOf('"', 7)))]!;
        if (!text.includes('"type":"next"')) throw new Error(`subscription ended: ${text}`);
        const count = Number(countOf.exec(text)?.[1]);
        if (count !== sub.last + 1) sub.outOfOrder += 1;
        sub.last = count;
        sub.received += 1;
        latencies.push(now - sentAt[sub.venue * data.stride + count]!);
        Atomics.add(received, data.index, 1);
        return;
      }
      const message = JSON.parse(text) as { type: string };
      if (message.type !== 'connection_ack') return;
      for (let i = 0; i < data.perSocket && s * data.perSocket + i < data.subscribers; i++) {
        const venue = (s * data.perSocket + i) % data.venueIds.length;
        const sub = { venue, received: 0, last: 0, outOfOrder: 0 };
        mine.push(sub);
        subs.push(sub);
        ws.send(
          JSON.stringify({
            id: String(i),
            type: 'subscribe',
            payload: { query: data.query, variables: { id: data.venueIds[venue] } },
          }),
        );
      }
    });
    return new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
        resolve();
      });
      ws.once('error', reject);
    });
  }),
);

parentPort!.on('message', (message: { type: 'finish'; counts: number[] }) => {
  for (const ws of sockets) ws.terminate();
  const lat = Float64Array.from(latencies);
  parentPort!.postMessage(
    {
      expected: subs.reduce((n, s) => n + message.counts[s.venue]!, 0),
      received: subs.reduce((n, s) => n + s.received, 0),
      missing: subs.reduce((n, s) => n + (message.counts[s.venue]! - s.received), 0),
      outOfOrder: subs.reduce((n, s) => n + s.outOfOrder, 0),
      latencies: lat,
    },
    [lat.buffer],
  );
});
parentPort!.postMessage({ type: 'connected' });
