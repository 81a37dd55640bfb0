// The first `npm start` trains a model from data in the repository when none exists, in the
// background, and the artifact carries its validation (backtest) figures.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasArtifact, startModelBootstrap } from '../scripts/model-bootstrap.ts';
import type { ForecastManifest } from '@sport-venue/forecast';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURE = join(ROOT, 'packages/forecast/test/fixtures/fitnesspark-3venues-6weeks.csv');

describe('model bootstrap at start', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('trains a first artifact in the background when there is none, with its validation figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-bootstrap-'));
    dirs.push(dir);
    const lines: string[] = [];
    const started = performance.now();
    const bootstrap = await startModelBootstrap({
      root: ROOT,
      env: { ...process.env, MODEL_ARTIFACT_DIR: dir, MODEL_RETRAIN_INTERVAL_H: '0' },
      data: FIXTURE,
      trainArgs: ['--epochs', '1'],
      log: (line) => lines.push(line),
    });
    // It returns at once (the graph starts meanwhile) and says what it is doing.
    assert.equal(await hasArtifact(dir), false);
    assert.match(lines.join('\n'), /no model artifact .* training one .* basis BASELINE/s);
    assert.ok(performance.now() - started < 5_000, 'startModelBootstrap does not wait for training');
    await bootstrap.idle();
    assert.equal(await hasArtifact(dir), true, lines.join('\n'));
    assert.match(lines.join('\n'), /first training done/);
    const [version] = await readdir(dir);
    const manifest = JSON.parse(
      await readFile(join(dir, version!, 'manifest.json'), 'utf8'),
    ) as ForecastManifest;
    assert.deepEqual(
      manifest.guard?.validation.byBand.map((b) => b.label),
      ['h1', 'h2-6', 'h7-12', 'h13-24'],
    );
    for (const b of manifest.guard!.validation.byBand) {
      assert.ok(
        b.n > 0 && Number.isFinite(b.guarded) && Number.isFinite(b.coverageGuarded),
        JSON.stringify(b),
      );
      assert.ok(
        b.guarded <= Math.min(b.hourOfWeek, b.lastWeek) + 1e-9,
        `${b.label} served within validation`,
      );
    }
    assert.equal(manifest.venues['Fitnesspark Zürich Puls 5']?.attributes?.sport, 'gym');
  });

  it('leaves an existing artifact alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-bootstrap-'));
    dirs.push(dir);
    const lines: string[] = [];
    const env = { ...process.env, MODEL_ARTIFACT_DIR: dir, MODEL_RETRAIN_INTERVAL_H: '0' };
    // An artifact already there (its content does not matter to the bootstrap).
    await mkdir(join(dir, 'v0'));
    await writeFile(join(dir, 'v0', 'manifest.json'), '{}');
    const again = await startModelBootstrap({ root: ROOT, env, data: FIXTURE, log: (l) => lines.push(l) });
    await again.idle();
    assert.deepEqual(lines, []);
    assert.equal((await readdir(dir)).length, 1);
  });
});
