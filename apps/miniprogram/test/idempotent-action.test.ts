import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  idempotentAction,
  randomKey,
  TransientError,
  type AttemptContext,
} from '../src/lib/idempotent-action.ts';

const noSleep = () => Promise.resolve();

function keys() {
  let n = 0;
  return () => `key-${++n}`;
}

test('automatic retries after transient failures send the same idempotency key', async () => {
  const seen: AttemptContext[] = [];
  const action = idempotentAction(
    async (ctx) => {
      seen.push(ctx);
      if (ctx.attempt < 3) throw new TransientError('socket hang up');
      return 'checked in';
    },
    { newKey: keys(), sleep: noSleep },
  );
  assert.equal(await action.tap(), 'checked in');
  assert.deepEqual(seen, [
    { idempotencyKey: 'key-1', attempt: 1 },
    { idempotencyKey: 'key-1', attempt: 2 },
    { idempotencyKey: 'key-1', attempt: 3 },
  ]);
  assert.equal(action.pendingKey, null);
});

test('each new tap after an answer gets a new key', async () => {
  const sent: string[] = [];
  const action = idempotentAction(async (ctx) => void sent.push(ctx.idempotencyKey), { newKey: keys() });
  await action.tap();
  await action.tap();
  assert.deepEqual(sent, ['key-1', 'key-2']);
});

test('a tap after the app gave up retries the unresolved key instead of making a new one', async () => {
  const sent: string[] = [];
  let online = false;
  const action = idempotentAction(
    async (ctx) => {
      sent.push(ctx.idempotencyKey);
      if (!online) throw new TransientError('offline');
      return 'ok';
    },
    { newKey: keys(), sleep: noSleep, maxAttempts: 2 },
  );
  await assert.rejects(action.tap(), TransientError);
  assert.equal(action.pendingKey, 'key-1');
  online = true;
  assert.equal(await action.tap(), 'ok');
  assert.deepEqual(sent, ['key-1', 'key-1', 'key-1']);
  await action.tap();
  assert.equal(sent.at(-1), 'key-2');
});

test('a double tap while the first is in flight sends once and both get its answer', async () => {
  let calls = 0;
  let release!: (value: string) => void;
  const action = idempotentAction(
    () => {
      calls += 1;
      return new Promise<string>((resolve) => (release = resolve));
    },
    { newKey: keys() },
  );
  const first = action.tap();
  const second = action.tap();
  assert.equal(action.busy, true);
  release('session-1');
  assert.deepEqual(await Promise.all([first, second]), ['session-1', 'session-1']);
  assert.equal(calls, 1);
  assert.equal(action.busy, false);
});

test('an answer from the server (e.g. OUTSIDE_GEOFENCE) is not retried and the next tap is a new action', async () => {
  const sent: string[] = [];
  const refusal = Object.assign(new Error('too far'), { code: 'OUTSIDE_GEOFENCE' });
  const action = idempotentAction(
    async (ctx) => {
      sent.push(ctx.idempotencyKey);
      throw refusal;
    },
    { newKey: keys(), sleep: noSleep },
  );
  await assert.rejects(action.tap(), refusal);
  assert.equal(action.pendingKey, null);
  await assert.rejects(action.tap(), refusal);
  assert.deepEqual(sent, ['key-1', 'key-2']);
});

test('retries wait with growing backoff', async () => {
  const waits: number[] = [];
  const action = idempotentAction(
    async () => {
      throw new TransientError('down');
    },
    { maxAttempts: 4, sleep: async (ms) => void waits.push(ms) },
  );
  await assert.rejects(action.tap(), TransientError);
  assert.deepEqual(waits, [500, 1000, 2000]);
});

test('random keys are UUID v4 and distinct', () => {
  const a = randomKey();
  const b = randomKey();
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
});
