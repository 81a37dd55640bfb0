import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readOccupancyCsv } from '../src/csv.ts';
import { parseInstant } from '../src/calendar.ts';
import { runBacktest } from '../src/backtest.ts';
import type { BacktestResult } from '../src/backtest.ts';
import { loadArtifact } from '../src/artifact.ts';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/fitnesspark-3venues-6weeks.csv', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli/', import.meta.url));
const TZ = 'Europe/Zurich';
const SLICE = ['--data', FIXTURE, '--timezone', TZ, '--test-start', '2025-11-03', '--test-end', '2025-11-10'];

async function cli(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(CLI, script), ...args], {
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('on a 3-venue slice (5 training weeks, 1 test week) the model beats both baselines', async () => {
  const { rows } = await readOccupancyCsv(FIXTURE);
  const r = await runBacktest(rows, {
    timeZone: TZ,
    testStart: parseInstant('2025-11-03', TZ)!,
    testEnd: parseInstant('2025-11-10', TZ)!,
  });
  assert.equal(r.rows, 7191);
  assert.equal(r.venues, 3);
  assert.equal(r.origins, 168);
  assert.equal(r.model.maeByHorizon.length, 24);
  assert.equal(
    r.evaluatedByHorizon.reduce((a, b) => a + b, 0),
    r.evaluated,
  );
  assert.ok(r.evaluated > 7000);
  const best = Math.min(r.baselines.hourOfWeek.mae, r.baselines.lastWeek.mae);
  assert.ok(
    r.model.mae < best,
    `model ${r.model.mae} vs baselines ${r.baselines.hourOfWeek.mae} / ${r.baselines.lastWeek.mae}`,
  );
  assert.ok(
    r.model.intervalCoverage > 0.5 && r.model.intervalCoverage < 0.98,
    `coverage ${r.model.intervalCoverage}`,
  );
});

test('backtest CLI --json prints exactly one JSON object with the documented shape', async () => {
  const { code, stdout } = await cli('backtest.ts', [...SLICE, '--json']);
  assert.equal(code, 0);
  assert.equal(stdout.trim().split('\n').length, 1);
  const r = JSON.parse(stdout) as BacktestResult;
  for (const s of [r.model, r.baselines.hourOfWeek, r.baselines.lastWeek]) {
    assert.equal(typeof s.mae, 'number');
    assert.equal(s.maeByHorizon.length, 24);
    assert.ok(s.maeByHorizon.every((v) => typeof v === 'number' && v > 0));
  }
  assert.equal(r.rows, 7191);
  assert.equal(r.venues, 3);
  const table = await cli('backtest.ts', SLICE);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /horizon\s+model\s+raw\s+hourOfWeek\s+lastWeek/);
  assert.match(table.stdout, /band\s+served\s+raw\s+hourOfWeek\s+lastWeek\s+served\/best/);
  for (const band of ['h1', 'h2-6', 'h7-12', 'h13-24'])
    assert.match(table.stdout, new RegExp(`\\n${band}\\s`));
  assert.deepEqual(
    r.bands.map((b) => b.label),
    ['h1', 'h2-6', 'h7-12', 'h13-24'],
  );
  for (const b of r.bands) assert.ok(b.coverageGuarded > 0 && b.coverageGuarded < 1, `${b.label} coverage`);
  assert.match(table.stdout, /\n24h\s/);
});

test('bad CLI arguments print one clear line and exit with code 2', async () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['backtest.ts', [...SLICE, '--epochs', '0'], /--epochs must be a positive integer/],
    [
      'backtest.ts',
      [
        ...SLICE.slice(0, 2),
        '--timezone',
        'Mars/Olympus',
        '--test-start',
        '2025-11-03',
        '--test-end',
        '2025-11-10',
      ],
      /unknown IANA time zone/,
    ],
    [
      'backtest.ts',
      [...SLICE.slice(0, 4), '--test-start', '2025-11-10', '--test-end', '2025-11-03'],
      /--test-end must be after --test-start/,
    ],
    [
      'backtest.ts',
      [...SLICE.slice(0, 4), '--test-start', 'soon', '--test-end', '2025-11-03'],
      /--test-start: not an ISO 8601/,
    ],
    ['backtest.ts', [...SLICE, '--frobnicate'], /unknown option --frobnicate/],
    ['backtest.ts', ['--data', '/nonexistent.csv', ...SLICE.slice(2)], /cannot read file/],
    ['train.ts', ['--data', FIXTURE, '--timezone', TZ], /missing required option --out/],
  ];
  await Promise.all(
    cases.map(async ([script, args, message]) => {
      const { code, stdout, stderr } = await cli(script, args);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.equal(stdout, '');
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, message);
    }),
  );
});

test('train CLI writes a loadable versioned artifact', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'forecast-train-cli-'));
  t.after(() => rm(out, { recursive: true, force: true }));
  const { code, stdout, stderr } = await cli('train.ts', [
    '--data',
    FIXTURE,
    '--timezone',
    TZ,
    '--out',
    out,
    '--version',
    'test-1',
    '--epochs',
    '1',
    '--until',
    '2025-11-03',
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim(), join(out, 'test-1'));
  const f = await loadArtifact(join(out, 'test-1'));
  assert.equal(f.manifest.version, 'test-1');
  assert.equal(f.manifest.training.epochs, 1);
  assert.deepEqual(Object.keys(f.manifest.venues).sort(), [
    'Fitnesspark Baden Trafo',
    'Fitnesspark Luzern National',
    'Fitnesspark Zürich Puls 5',
  ]);
  assert.ok(Date.parse(f.manifest.training.to) < Date.parse('2025-11-03T00:00:00+01:00'));
});
