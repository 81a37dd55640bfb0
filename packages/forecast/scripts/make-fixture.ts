/**
 * Regenerates test/fixtures/fitnesspark-3venues-6weeks.csv from the shipped Fitnesspark file:
 * three venues (Baden, Zürich Puls 5, Luzern National — three cantons), local dates
 * 2025-09-29 .. 2025-11-09 (5 training weeks + 1 test week), original columns and row order.
 *
 *   node packages/forecast/scripts/make-fixture.ts [data/occupancy/fitnesspark-ch.csv.gz]
 *
 * Source: metaodi/gym-occupancy (MIT, © 2025 Stefan Oderbolz); numbers published by Fitnesspark (Migros).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCsvRecords, readCsvText, SHIPPED_OCCUPANCY_CSV } from '../src/csv.ts';
import { parseInstant } from '../src/calendar.ts';

const source = process.argv[2] ?? SHIPPED_OCCUPANCY_CSV;
const out = fileURLToPath(new URL('../test/fixtures/fitnesspark-3venues-6weeks.csv', import.meta.url));
const venues = new Set([
  'Fitnesspark Baden Trafo',
  'Fitnesspark Zürich Puls 5',
  'Fitnesspark Luzern National',
]);
const from = parseInstant('2025-09-29', 'Europe/Zurich')!.getTime();
const to = parseInstant('2025-11-10', 'Europe/Zurich')!.getTime();

const text = await readCsvText(source);
const lines = text.split(/\r?\n/);
const header = lines[0]!;
const cols = parseCsvRecords(header)[0]!;
const iTs = cols.indexOf('timestamp_utc');
const iVenue = cols.indexOf('venue');
const kept = [header];
for (const line of lines.slice(1)) {
  if (line === '') continue;
  const rec = parseCsvRecords(line)[0]!;
  const t = Date.parse(rec[iTs]!);
  if (venues.has(rec[iVenue]!) && t >= from && t < to) kept.push(line);
}
await writeFile(out, `${kept.join('\n')}\n`);
console.log(`wrote ${kept.length - 1} rows to ${out}`);
