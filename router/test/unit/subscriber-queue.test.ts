import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SubscriberQueue } from '../../src/subscriptions/subscriber-queue.ts';

const result = (n: number) => ({ data: { n } });

describe('subscriber queue', () => {
  it('delivers results in order to a waiting reader', async () => {
    const queue = new SubscriberQueue(() => undefined);
    const first = queue.next();
    queue.push(result(1));
    queue.push(result(2));
    assert.deepEqual((await first).value, result(1));
    assert.deepEqual((await queue.next()).value, result(2));
  });

  it('keeps only the newest results for a slow reader', async () => {
    const queue = new SubscriberQueue(() => undefined, 3);
    for (let n = 1; n <= 5; n++) queue.push(result(n));
    assert.equal(queue.dropped, 2);
    assert.deepEqual((await queue.next()).value, result(3));
  });

  it('tells its owner exactly once when the client completes', async () => {
    let closes = 0;
    const queue = new SubscriberQueue(() => closes++);
    const pending = queue.next();
    await queue.return();
    await queue.return();
    assert.equal((await pending).done, true);
    assert.equal(closes, 1);
    queue.push(result(1));
    assert.equal((await queue.next()).done, true);
  });

  it('delivers a final error before ending', async () => {
    const queue = new SubscriberQueue(() => undefined);
    queue.end({ errors: [] });
    assert.deepEqual((await queue.next()).value, { errors: [] });
    assert.equal((await queue.next()).done, true);
  });
});
