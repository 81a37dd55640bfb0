import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskStuckRuns, binHourly } from '../src/clean.ts';
import type { OccupancyRow } from '../src/types.ts';

const T0 = Date.parse('2025-06-02T06:00:00Z');
function series(values: Array<number | null>, venue = 'A'): OccupancyRow[] {
  return values.map((occupancy, i) => ({ at: new Date(T0 + i * 20 * 60_000), venue, occupancy }));
}
const masked = (rows: OccupancyRow[]): number => rows.filter((r) => r.occupancy === null).length;

test('a run of 36 identical values is masked, a run of 35 is not', () => {
  const r35 = series([10, ...new Array<number>(35).fill(58), 11]);
  const r36 = series([10, ...new Array<number>(36).fill(58), 11]);
  const a = maskStuckRuns(r35);
  assert.equal(a.masked, 0);
  assert.equal(masked(a.rows), 0);
  const b = maskStuckRuns(r36);
  assert.equal(b.masked, 36);
  assert.deepEqual(
    b.rows.map((r) => r.occupancy),
    [10, ...new Array<null>(36).fill(null), 11],
  );
  // input untouched
  assert.equal(r36[1]!.occupancy, 58);
});

test('blank samples neither break nor extend a stuck run; runs are per venue', () => {
  const values: Array<number | null> = [];
  for (let i = 0; i < 36; i++) values.push(58, null); // 36 values of 58 with closed gaps between
  assert.equal(maskStuckRuns(series(values)).masked, 36);
  // interleaved venues: each has 20 identical values -> nothing masked
  const rows = [...series(new Array<number>(20).fill(5), 'A'), ...series(new Array<number>(20).fill(5), 'B')];
  assert.equal(maskStuckRuns(rows).masked, 0);
  // unsorted input is handled (sorted by time per venue)
  assert.equal(maskStuckRuns(series(new Array<number>(36).fill(7)).reverse()).masked, 36);
});

test('online masking masks only from the 36th value of a run and never looks ahead', () => {
  const rows = series([...new Array<number>(40).fill(58), 12]);
  const online = maskStuckRuns(rows, { mode: 'online' });
  assert.equal(online.masked, 5);
  assert.deepEqual(
    online.rows.slice(34, 41).map((r) => r.occupancy),
    [58, null, null, null, null, null, 12],
  );
  // the first 35 are unaffected by whatever follows
  const cut = maskStuckRuns(rows.slice(0, 35), { mode: 'online' });
  assert.deepEqual(
    cut.rows.map((r) => r.occupancy),
    online.rows.slice(0, 35).map((r) => r.occupancy),
  );
});

test('hourly bins are the mean of the samples in each local hour, only hours with data', () => {
  const rows: OccupancyRow[] = [
    { at: new Date('2025-06-02T08:05:00Z'), venue: 'A', occupancy: 10 },
    { at: new Date('2025-06-02T08:25:00Z'), venue: 'A', occupancy: 20 },
    { at: new Date('2025-06-02T08:45:00Z'), venue: 'A', occupancy: null },
    { at: new Date('2025-06-02T09:59:59Z'), venue: 'A', occupancy: 30 },
    { at: new Date('2025-06-02T10:10:00Z'), venue: 'A', occupancy: null },
    { at: new Date('2025-06-02T08:30:00Z'), venue: 'B', occupancy: 4 },
  ];
  const bins = binHourly(rows, 'Europe/Zurich');
  assert.deepEqual(
    bins.map((b) => [b.venue, b.start.toISOString(), b.occupancy, b.samples]),
    [
      ['A', '2025-06-02T08:00:00.000Z', 15, 2],
      ['A', '2025-06-02T09:00:00.000Z', 30, 1],
      ['B', '2025-06-02T08:00:00.000Z', 4, 1],
    ],
  );
  // a zone with a half-hour offset bins by its local hours
  const kolkata = binHourly(
    [{ at: new Date('2025-06-02T08:20:00Z'), venue: 'A', occupancy: 1 }],
    'Asia/Kolkata',
  );
  assert.equal(kolkata[0]!.start.toISOString(), '2025-06-02T07:30:00.000Z');
});
