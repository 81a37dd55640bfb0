import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCoalescer } from '../../src/leaderboard-publisher.ts';

describe('leaderboard notification coalescing', () => {
  it('a burst sends at once, then at most once per interval, and the last change is never lost', async () => {
    const sent: Array<{ key: string; at: number }> = [];
    const start = Date.now();
    const c = createCoalescer(100, (key) => void sent.push({ key, at: Date.now() - start }));
    for (let i = 0; i < 20; i++) c.notify('a');
    c.notify('b');
    assert.deepEqual(
      sent.map((s) => s.key),
      ['a', 'b'],
      'first change of each challenge goes out immediately',
    );
    await sleep(150);
    assert.deepEqual(
      sent.map((s) => s.key),
      ['a', 'b', 'a'],
      'the rest of the burst becomes one trailing message',
    );
    assert.ok(sent[2]!.at >= 95, `trailing message after the interval (${sent[2]!.at} ms)`);
    await c.flush();
  });
});
