// `npm start` keeps the graph running: its supervisor restarts a child that dies, with a backoff
// that doubles per crash in a row and resets after a stable period, and stops children only when
// told to. Real child processes (node), real signals.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@sport-venue/shared/testing';
import { Supervisor, type ChildSpec, type SupervisorOptions } from '../scripts/supervisor.ts';

const node = (name: string, script: string): ChildSpec => ({
  name,
  command: process.execPath,
  args: ['-e', script],
});
const LIVES = 'setInterval(() => {}, 1000)';
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let supervisor: Supervisor | null = null;
let lines: string[] = [];
const supervise = (options: SupervisorOptions) => {
  lines = [];
  supervisor = new Supervisor({ log: (l) => lines.push(l), output: () => {}, ...options });
  return supervisor;
};
const linesAtLeast = (n: number) =>
  eventually(() => (lines.length >= n ? lines.slice(0, n) : undefined), { timeoutMs: 60_000 });

afterEach(async () => {
  await supervisor?.stop();
  supervisor = null;
});

describe('npm start supervisor', () => {
  it('restarts a killed child, leaves the others running, and says so in one line', async () => {
    const s = supervise({ initialBackoffMs: 200 });
    s.start(node('venue', LIVES));
    s.start(node('user', LIVES));
    const first = await eventually(() => s.child('venue')?.pid);
    const user = s.child('user')!.pid!;

    process.kill(first, 'SIGKILL');
    const second = await eventually(
      () => {
        const pid = s.child('venue')?.pid;
        return pid && pid !== first ? pid : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.ok(isAlive(second), 'the restarted child runs');
    assert.ok(isAlive(user), 'the other children were left alone');
    assert.equal(s.starts('venue'), 2);
    assert.equal(s.starts('user'), 1);
    assert.deepEqual(lines, ['venue exited (signal SIGKILL), restarting in 200ms']);
  });

  it('doubles the wait for each crash in a row, up to the maximum', async () => {
    const s = supervise({ initialBackoffMs: 50, maxBackoffMs: 200, stableMs: 600_000 });
    s.start(node('venue', 'process.exit(1)'));
    assert.deepEqual(await linesAtLeast(4), [
      'venue exited (code 1), restarting in 50ms',
      'venue exited (code 1), restarting in 100ms',
      'venue exited (code 1), restarting in 200ms',
      'venue exited (code 1), restarting in 200ms',
    ]);
  });

  it('starts again from the first wait after a child ran for the stable period', async () => {
    // Each run lasts at least 300 ms from spawn, longer than the stable period of 200 ms.
    const s = supervise({ initialBackoffMs: 50, stableMs: 200 });
    s.start(node('venue', 'setTimeout(() => process.exit(3), 300)'));
    assert.deepEqual(await linesAtLeast(3), [
      'venue exited (code 3), restarting in 50ms',
      'venue exited (code 3), restarting in 50ms',
      'venue exited (code 3), restarting in 50ms',
    ]);
  });

  it('stop() ends every child for good, killing one that ignores SIGTERM', async () => {
    const s = supervise({ initialBackoffMs: 50, killAfterMs: 500 });
    s.start(node('venue', LIVES));
    s.start(node('stubborn', `process.on('SIGTERM', () => {}); ${LIVES}; console.log('ready')`));
    const stubborn = s.child('stubborn')!;
    // Its SIGTERM handler must be installed before we stop, or the default action would kill it.
    await new Promise((resolve) => stubborn.stdout!.once('data', resolve));
    const pids = [s.child('venue')!.pid!, stubborn.pid!];
    await s.stop();
    assert.deepEqual(
      pids.map((pid) => isAlive(pid)),
      [false, false],
    );
    assert.equal(stubborn.signalCode, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual([s.child('venue'), s.child('stubborn'), lines], [null, null, []]);
  });
});
