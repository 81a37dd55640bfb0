import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOccupancyCsv, parseCsvRecords, CsvFormatError } from '../src/csv.ts';

test('parses rows: blank occupancy is null, optional columns read, unknown columns ignored', () => {
  const { rows, optionalColumns } = parseOccupancyCsv(
    [
      'timestamp_utc,venue,occupancy,training_area_m2,capacity,temperature_c,precipitation_mm,holiday',
      '2025-03-22T20:28:00Z,Gym A,12,600,150,4.5,0.2,0',
      '2025-03-22T20:48:00Z,Gym A,,600,150,,,1',
    ].join('\n'),
  );
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], {
    at: new Date('2025-03-22T20:28:00Z'),
    venue: 'Gym A',
    occupancy: 12,
    capacity: 150,
    temperatureC: 4.5,
    precipitationMm: 0.2,
    holiday: false,
  });
  assert.equal(rows[1]!.occupancy, null);
  assert.equal(rows[1]!.temperatureC, null);
  assert.equal(rows[1]!.holiday, true);
  assert.deepEqual(optionalColumns, ['capacity', 'temperature_c', 'precipitation_mm', 'holiday']);
});

test('handles quoted fields with commas, doubled quotes, line breaks and CRLF', () => {
  const text =
    'venue,timestamp_utc,occupancy\r\n"Gym, ""Zürich"" HB",2025-01-01T10:00:00Z,"7"\r\n"Multi\nline",2025-01-01T11:00:00Z,8\r\n';
  assert.deepEqual(parseCsvRecords(text), [
    ['venue', 'timestamp_utc', 'occupancy'],
    ['Gym, "Zürich" HB', '2025-01-01T10:00:00Z', '7'],
    ['Multi\nline', '2025-01-01T11:00:00Z', '8'],
  ]);
  const { rows } = parseOccupancyCsv(text);
  assert.equal(rows[0]!.venue, 'Gym, "Zürich" HB');
  assert.equal(rows[0]!.occupancy, 7);
  assert.equal(rows[1]!.venue, 'Multi\nline');
});

test('a missing required column is named in the error', () => {
  assert.throws(
    () => parseOccupancyCsv('timestamp_utc,venue,headcount\n2025-01-01T10:00:00Z,A,3\n'),
    (e: unknown) => e instanceof CsvFormatError && /missing required column "occupancy"/.test(e.message),
  );
  assert.throws(() => parseOccupancyCsv('venue,occupancy\nA,3\n'), /"timestamp_utc"/);
  assert.throws(() => parseOccupancyCsv(''), /empty/);
});

test('invalid values are reported with their line number', () => {
  assert.throws(
    () => parseOccupancyCsv('timestamp_utc,venue,occupancy\n2025-01-01T10:00:00Z,A,3\nnot-a-date,A,4\n'),
    /line 3: invalid timestamp_utc/,
  );
  assert.throws(
    () => parseOccupancyCsv('timestamp_utc,venue,occupancy\n2025-01-01T10:00:00Z,A,many\n'),
    /line 2: column "occupancy" is not a number/,
  );
  assert.throws(
    () => parseOccupancyCsv('timestamp_utc,venue,occupancy,holiday\n2025-01-01T10:00:00Z,A,3,yes\n'),
    /line 2: column "holiday" must be 0 or 1/,
  );
  assert.throws(
    () => parseOccupancyCsv('timestamp_utc,venue,occupancy\n"2025-01-01T10:00:00Z,A,3\n'),
    /unterminated/,
  );
});
