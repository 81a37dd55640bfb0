/**
 * CSV input for occupancy data.
 *
 * Required columns: `timestamp_utc` (ISO 8601), `venue`, `occupancy` (blank = closed/unknown).
 * Optional: `capacity`, `temperature_c`, `precipitation_mm`, `holiday` (0/1: public holiday),
 * `school_holiday` (0/1), `bookings`.
 * Other columns are ignored. Fields may be quoted ("a, b" and "say ""hi""").
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { OccupancyRow } from './types.ts';

export const REQUIRED_COLUMNS = ['timestamp_utc', 'venue', 'occupancy'] as const;
export const OPTIONAL_COLUMNS = [
  'capacity',
  'temperature_c',
  'precipitation_mm',
  'holiday',
  'school_holiday',
  'bookings',
] as const;

export class CsvFormatError extends Error {
  override name = 'CsvFormatError';
}

/**
 * Splits CSV text into records of fields (RFC 4180: quoted fields may contain commas, doubled
 * quotes and line breaks). Accepts LF and CRLF line ends; skips blank lines.
 */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // BOM
  let record: string[] = [];
  while (i < n) {
    let field: string;
    let quoted = false;
    if (text.charCodeAt(i) === 34 /* " */) {
      quoted = true;
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new CsvFormatError('unterminated quoted field at end of CSV');
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the delimiter is kept verbatim (lenient).
      let k = j;
      while (k < n && text.charCodeAt(k) !== 44 && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13)
        k++;
      field = value + text.slice(j, k);
      i = k;
    } else {
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === 44 || c === 10 || c === 13) break;
        k++;
      }
      field = text.slice(i, k);
      i = k;
    }
    record.push(field);
    const c = i < n ? text.charCodeAt(i) : 10;
    if (c === 44) {
      i++;
      if (i >= n) record.push('');
      continue;
    }
    // end of record
    if (!(record.length === 1 && record[0] === '' && !quoted)) records.push(record);
    record = [];
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
  }
  if (record.length > 0) records.push(record);
  return records;
}

function parseOptionalNumber(raw: string | undefined, column: string, line: number): number | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  if (s === '') return null;
  const v = Number(s);
  if (!Number.isFinite(v))
    throw new CsvFormatError(`line ${line}: column "${column}" is not a number: "${raw}"`);
  return v;
}

export interface ParsedCsv {
  rows: OccupancyRow[];
  /** Names of the optional columns present in the header. */
  optionalColumns: string[];
}

/** Parses occupancy CSV text into rows (in file order). Throws CsvFormatError with the line number. */
export function parseOccupancyCsv(text: string): ParsedCsv {
  const records = parseCsvRecords(text);
  const header = records[0];
  if (!header) throw new CsvFormatError('CSV is empty: expected a header row');
  const names = header.map((h) => h.trim().toLowerCase());
  const index = (name: string): number => names.indexOf(name);
  const missing = REQUIRED_COLUMNS.filter((c) => index(c) < 0);
  if (missing.length > 0) {
    throw new CsvFormatError(
      `CSV is missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header: ${names.join(',')})`,
    );
  }
  const iTs = index('timestamp_utc');
  const iVenue = index('venue');
  const iOcc = index('occupancy');
  const iCap = index('capacity');
  const iTemp = index('temperature_c');
  const iPrec = index('precipitation_mm');
  const iHol = index('holiday');
  const iSchool = index('school_holiday');
  const iBook = index('bookings');
  const rows: OccupancyRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    const line = r + 1;
    const ts = (rec[iTs] ?? '').trim();
    const ms = Date.parse(ts);
    if (ts === '' || Number.isNaN(ms))
      throw new CsvFormatError(`line ${line}: invalid timestamp_utc "${ts}"`);
    const venue = (rec[iVenue] ?? '').trim();
    if (venue === '') throw new CsvFormatError(`line ${line}: empty venue`);
    const occupancy = parseOptionalNumber(rec[iOcc], 'occupancy', line);
    if (occupancy !== null && occupancy < 0)
      throw new CsvFormatError(`line ${line}: negative occupancy ${occupancy}`);
    const row: OccupancyRow = { at: new Date(ms), venue, occupancy };
    if (iCap >= 0) row.capacity = parseOptionalNumber(rec[iCap], 'capacity', line);
    if (iSchool >= 0) {
      const v = (rec[iSchool] ?? '').trim().toLowerCase();
      if (v === '1' || v === 'true') row.schoolHoliday = true;
      else if (v === '0' || v === 'false') row.schoolHoliday = false;
      else if (v !== '')
        throw new CsvFormatError(
          `line ${line}: column "school_holiday" must be 0 or 1, got "${rec[iSchool]}"`,
        );
    }
    if (iTemp >= 0) row.temperatureC = parseOptionalNumber(rec[iTemp], 'temperature_c', line);
    if (iPrec >= 0) row.precipitationMm = parseOptionalNumber(rec[iPrec], 'precipitation_mm', line);
    if (iBook >= 0) row.bookings = parseOptionalNumber(rec[iBook], 'bookings', line);
    if (iHol >= 0) {
      const h = (rec[iHol] ?? '').trim().toLowerCase();
      if (h === '') row.holiday = null;
      else if (h === '1' || h === 'true') row.holiday = true;
      else if (h === '0' || h === 'false') row.holiday = false;
      else throw new CsvFormatError(`line ${line}: column "holiday" must be 0 or 1, got "${rec[iHol]}"`);
    }
    rows.push(row);
  }
  return { rows, optionalColumns: OPTIONAL_COLUMNS.filter((c) => index(c) >= 0) };
}

/** Reads and parses an occupancy CSV file. */
export async function readOccupancyCsv(path: string): Promise<ParsedCsv> {
  return parseOccupancyCsv(await readCsvText(path));
}

/** The real occupancy history shipped with the repository (data/occupancy/SOURCE.md). */
export const SHIPPED_OCCUPANCY_CSV = fileURLToPath(
  new URL('../../../data/occupancy/fitnesspark-ch.csv.gz', import.meta.url),
);

/** Reads a CSV file as text; `.gz` files are decompressed (the shipped data is stored that way). */
export async function readCsvText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}
