import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOM, csvCell, parseCsv, toCsv } from '../src/lib/csv.ts';
import { checkInRow } from '../src/lib/checkin-rows.ts';

test('the export starts with a UTF-8 byte-order mark and ends lines with CRLF', () => {
  const csv = toCsv(['名字', 'n'], [['张三', 1]]);
  assert.ok(csv.startsWith(BOM));
  assert.equal(Buffer.from(csv, 'utf8').subarray(0, 3).toString('hex'), 'efbbbf');
  assert.equal(csv, `${BOM}名字,n\r\n张三,1\r\n`);
});

test('commas, quotes and line breaks are quoted and read back unchanged', () => {
  const rows = [['a,b', 'say "hi"', 'two\nlines', '', 3]];
  assert.deepEqual(parseCsv(toCsv(['x', 'y', 'z', 'e', 'n'], rows)), [
    ['x', 'y', 'z', 'e', 'n'],
    ['a,b', 'say "hi"', 'two\nlines', '', '3'],
  ]);
});

test('cells that would run as spreadsheet formulas are neutralised', () => {
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell(-5), '-5', 'numbers stay numbers');
});

test('a check-in row holds its times in the venue zone', () => {
  const row = checkInRow(
    {
      id: 's1',
      user: { id: '7', nickname: '小明' },
      source: 'GPS',
      counted: true,
      startedAt: '2026-12-01T23:10:00Z',
      endedAt: '2026-12-02T00:40:00Z',
      minutes: 90,
    },
    'Asia/Shanghai',
  );
  assert.deepEqual(row, ['2026-12-02 07:10', '2026-12-02 08:40', '小明', '7', 'GPS', 90, 'Y']);
});
