/**
 * backtest [--data <csv>] [--timezone <IANA>] [--test-start <ISO>] [--test-end <ISO>] [--json]
 *
 * Defaults: the shipped data (data/occupancy/fitnesspark-ch.csv.gz), Europe/Zurich, and the
 * project's held-out window 2026-01-01 .. 2026-03-01 (its last two months).
 *
 * Trains on rows before --test-start, then scores rolling-origin forecasts 1–24 h ahead from every
 * hour of [--test-start, --test-end) against hourly ground truth. Prints MAE overall and per
 * horizon for the model and the two baselines (table, or exactly one JSON object with --json).
 * Dates without a UTC offset (e.g. 2026-01-01) are local wall time in --timezone.
 * Bad arguments: one line on stderr, exit code 2. Progress (--verbose) goes to stderr.
 */
import { stat } from 'node:fs/promises';
import { parseArgs, runCli, UsageError } from './args.ts';
import { assertTimeZone, parseInstant } from '../calendar.ts';
import { readOccupancyCsv, CsvFormatError, SHIPPED_OCCUPANCY_CSV } from '../csv.ts';
import { runBacktest, formatBacktestTable } from '../backtest.ts';

const USAGE =
  'backtest [--data <csv>] [--timezone <IANA>] [--test-start <ISO>] [--test-end <ISO>] [--json] [--verbose] [--epochs <n>] [--seed <n>] [--validation-days <n>]';

const DEFAULTS = {
  data: SHIPPED_OCCUPANCY_CSV,
  timezone: 'Europe/Zurich',
  'test-start': '2026-01-01',
  'test-end': '2026-03-01',
} as const;

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), {
    values: ['data', 'timezone', 'test-start', 'test-end', 'epochs', 'seed', 'validation-days'],
    flags: ['json', 'verbose'],
    required: [],
  });
  for (const [name, value] of Object.entries(DEFAULTS))
    if (!args.values.has(name)) args.values.set(name, value);
  const timeZone = args.values.get('timezone')!;
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new UsageError(`--timezone: unknown IANA time zone "${timeZone}"`);
  }
  const testStart = parseInstant(args.values.get('test-start')!, timeZone);
  if (!testStart)
    throw new UsageError(`--test-start: not an ISO 8601 date/time: "${args.values.get('test-start')}"`);
  const testEnd = parseInstant(args.values.get('test-end')!, timeZone);
  if (!testEnd)
    throw new UsageError(`--test-end: not an ISO 8601 date/time: "${args.values.get('test-end')}"`);
  if (testEnd.getTime() <= testStart.getTime()) throw new UsageError('--test-end must be after --test-start');
  const epochs = positiveInt('epochs', args.values.get('epochs'));
  const seed = positiveInt('seed', args.values.get('seed'));
  const validationRaw = args.values.get('validation-days');
  const validationDays = validationRaw === '0' ? 0 : positiveInt('validation-days', validationRaw);
  const path = args.values.get('data')!;
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch {
    throw new UsageError(`--data: cannot read file "${path}"`);
  }
  let parsed;
  try {
    parsed = await readOccupancyCsv(path);
  } catch (e) {
    if (e instanceof CsvFormatError) throw new UsageError(`--data: ${e.message}`);
    throw e;
  }
  const verbose = args.flags.has('verbose');
  const result = await runBacktest(parsed.rows, {
    timeZone,
    testStart,
    testEnd,
    train: {
      ...(epochs !== undefined ? { epochs } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(validationDays !== undefined ? { validationDays } : {}),
    },
    ...(verbose ? { log: (msg: string) => process.stderr.write(`${msg}\n`) } : {}),
  });
  if (args.flags.has('json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${formatBacktestTable(result)}\n`);
});
