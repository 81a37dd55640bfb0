import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeLedgerMessage, groupByUser } from '../../src/points-consumer.ts';
import { encodeEntryCursor, decodeEntryCursor } from '../../src/pagination.ts';

const topics = { checkinEvents: 'checkin.events', pointsCommands: 'points.commands' };
const checkin = (overrides: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      v: 1,
      id: randomUUID(),
      type: 'CHECKED_IN',
      userId: '7',
      venueId: '3',
      cityCode: '310000',
      sessionId: 's1',
      at: '2026-11-24T04:00:00.000Z',
      ...overrides,
    }),
  );

describe('ledger messages', () => {
  it('turns a counted CHECKED_IN into a check-in input and ignores check-outs and uncounted check-ins', () => {
    const decoded = decodeLedgerMessage(topics, 'checkin.events', checkin());
    assert.equal(decoded.kind, 'input');
    assert.equal(decoded.kind === 'input' && decoded.userId, 7n);
    assert.equal(decodeLedgerMessage(topics, 'checkin.events', checkin({ counted: false })).kind, 'ignored');
    assert.equal(
      decodeLedgerMessage(topics, 'checkin.events', checkin({ type: 'CHECKED_OUT', minutes: 40 })).kind,
      'ignored',
    );
  });

  it('turns a points command into a command input with its own idempotency key', () => {
    const value = Buffer.from(
      JSON.stringify({
        v: 1,
        id: randomUUID(),
        userId: '9',
        kind: 'EARN',
        delta: 50,
        reason: 'PK_REWARD',
        idempotencyKey: 'pk:c1:reward:9',
        at: '2026-11-24T04:00:00.000Z',
      }),
    );
    const decoded = decodeLedgerMessage(topics, 'points.commands', value);
    assert.deepEqual(decoded, {
      kind: 'input',
      userId: 9n,
      input: {
        type: 'COMMAND',
        kind: 'EARN',
        delta: 50,
        reason: 'PK_REWARD',
        idempotencyKey: 'pk:c1:reward:9',
      },
    });
  });

  it('marks malformed records invalid instead of throwing', () => {
    assert.equal(decodeLedgerMessage(topics, 'checkin.events', Buffer.from('{nope')).kind, 'invalid');
    assert.equal(decodeLedgerMessage(topics, 'checkin.events', null).kind, 'invalid');
    assert.equal(decodeLedgerMessage(topics, 'checkin.events', checkin({ v: 2 })).kind, 'invalid');
    assert.equal(decodeLedgerMessage(topics, 'checkin.events', checkin({ userId: 'abc' })).kind, 'invalid');
  });

  it('groups inputs by user and keeps each user in partition order', () => {
    const a = decodeLedgerMessage(topics, 'checkin.events', checkin({ userId: '1' }));
    const b = decodeLedgerMessage(topics, 'checkin.events', checkin({ userId: '2' }));
    const c = decodeLedgerMessage(topics, 'checkin.events', checkin({ userId: '1' }));
    const groups = groupByUser([a, b, { kind: 'ignored' }, c]);
    assert.deepEqual([...groups.keys()], [1n, 2n]);
    assert.deepEqual(
      groups.get(1n),
      [a, c].map((d) => (d.kind === 'input' ? d.input : null)),
    );
  });

  it('round-trips history cursors and rejects foreign ones', () => {
    assert.equal(decodeEntryCursor(encodeEntryCursor(99n)), 99n);
    assert.throws(() => decodeEntryCursor(Buffer.from('venue:1').toString('base64url')), /invalid cursor/);
  });
});
