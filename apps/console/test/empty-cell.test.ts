import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInRow } from '../src/lib/checkin-rows.ts';
import { parseCsv, toCsv } from '../src/lib/csv.ts';
import { EMPTY_CELL, shownCell } from '../src/lib/empty-cell.ts';

const openStayOfUserWithoutProfile = checkInRow(
  {
    id: 's2',
    user: { id: '9001', nickname: null },
    source: 'QR',
    counted: false,
    startedAt: '2026-12-01T23:10:00Z',
    endedAt: null,
    minutes: null,
  },
  'Asia/Shanghai',
);

test('a user without a profile, an open stay: the table shows the mark, the export empty cells', () => {
  assert.deepEqual(openStayOfUserWithoutProfile.map(shownCell), [
    '2026-12-02 07:10',
    EMPTY_CELL,
    EMPTY_CELL,
    '9001',
    'QR',
    EMPTY_CELL,
    'N',
  ]);
  const [, exported] = parseCsv(toCsv(['a', 'b', 'c', 'd', 'e', 'f', 'g'], [openStayOfUserWithoutProfile]));
  assert.deepEqual(exported, ['2026-12-02 07:10', '', '', '9001', 'QR', '', 'N']);
});

test('zero, false and other present values are shown as they are', () => {
  assert.equal(shownCell(0), 0);
  assert.equal(shownCell(false), false);
  assert.equal(shownCell('N'), 'N');
  assert.equal(shownCell(' '), ' ');
});
