import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitBatch } from '../../src/points-ledger.ts';
import type { LedgerInput } from '../../src/points-rules.ts';

const inputs = (n: number, user: number): LedgerInput[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'CHECKIN', eventId: `${user}-${i}`, at: new Date(0) }));
const ids = (list: LedgerInput[]) => list.map((i) => (i.type === 'CHECKIN' ? i.eventId : ''));

describe('ledger batches', () => {
  it('keeps a small batch in one transaction', () => {
    const parts = splitBatch(
      new Map([
        [1n, inputs(3, 1)],
        [2n, inputs(2, 2)],
      ]),
    );
    assert.equal(parts.length, 1);
    assert.deepEqual([...parts[0]!.keys()], [1n, 2n]);
  });

  it('bounds every transaction to 500 inputs and a user to 200 per transaction, in order', () => {
    const batch = new Map<bigint, LedgerInput[]>([
      [1n, inputs(450, 1)],
      [2n, inputs(300, 2)],
      [3n, inputs(10, 3)],
    ]);
    const parts = splitBatch(batch);
    for (const part of parts) {
      assert.ok([...part.values()].reduce((n, l) => n + l.length, 0) <= 500);
      for (const list of part.values()) assert.ok(list.length <= 200);
    }
    for (const [user, list] of batch) {
      const seen = parts.flatMap((p) => ids(p.get(user) ?? []));
      assert.deepEqual(seen, ids(list), `user ${user} keeps its order and loses nothing`);
    }
  });
});
