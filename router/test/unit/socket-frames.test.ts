import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ws from 'ws';
import { frames } from '../../src/subscriptions/socket-sink.ts';

// ws's own frame parser (exported at run time, not in its type declarations).
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => {
    on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
    write(chunk: Buffer): void;
  };
};

describe('socket frames', () => {
  it('a WebSocket receiver reads back every message of a batch, short, medium, long and multi-byte', () => {
    const messages = ['{"id":"1"}', 'x'.repeat(200), '场馆'.repeat(40_000), ''];
    const received: string[] = [];
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      assert.equal(isBinary, false);
      received.push(data.toString());
    });
    receiver.write(frames(messages));
    assert.deepEqual(received, messages);
  });
});
