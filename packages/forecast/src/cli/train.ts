/**
 * train --data <csv> --timezone <IANA> --out <dir> [--version <label>] [--until <ISO>] [--epochs <n>] [--seed <n>]
 *
 * Trains a forecaster on the CSV (rows before --until, if given) and writes a versioned artifact
 * directory <out>/<version>/ (manifest.json, model.json, weights.bin). Prints the artifact path.
 */
import { stat } from 'node:fs/promises';
import { parseArgs, runCli, UsageError } from './args.ts';
import { assertTimeZone, parseInstant } from '../calendar.ts';
import { readOccupancyCsv, CsvFormatError } from '../csv.ts';
import { trainForecaster } from '../trainer.ts';
import { saveArtifact } from '../artifact.ts';

const USAGE =
  'train --data <csv> --timezone <IANA> --out <dir> [--version <label>] [--until <ISO>] [--epochs <n>] [--seed <n>] [--verbose]';

runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), {
    values: ['data', 'timezone', 'out', 'version', 'until', 'epochs', 'seed'],
    flags: ['verbose'],
    required: ['data', 'timezone', 'out'],
  });
  const timeZone = args.values.get('timezone')!;
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new UsageError(`--timezone: unknown IANA time zone "${timeZone}"`);
  }
  const untilRaw = args.values.get('until');
  const until = untilRaw === undefined ? null : parseInstant(untilRaw, timeZone);
  if (untilRaw !== undefined && !until)
    throw new UsageError(`--until: not an ISO 8601 date/time: "${untilRaw}"`);
  const num = (name: string): number | undefined => {
    const v = args.values.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const epochs = num('epochs');
  const seed = num('seed');
  const version = args.values.get('version');
  if (version !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version))
    throw new UsageError(`--version: use letters, digits, . _ - only`);
  const path = args.values.get('data')!;
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch {
    throw new UsageError(`--data: cannot read file "${path}"`);
  }
  let rows;
  try {
    rows = (await readOccupancyCsv(path)).rows;
  } catch (e) {
    if (e instanceof CsvFormatError) throw new UsageError(`--data: ${e.message}`);
    throw e;
  }
  if (until) rows = rows.filter((r) => r.at.getTime() < until.getTime());
  const log = args.flags.has('verbose') ? (msg: string) => process.stderr.write(`${msg}\n`) : undefined;
  const forecaster = await trainForecaster(rows, {
    timeZone,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(log ? { log } : {}),
  });
  const dir = await saveArtifact(forecaster, args.values.get('out')!);
  process.stdout.write(`${dir}\n`);
});
