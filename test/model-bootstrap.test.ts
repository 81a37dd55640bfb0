import { nextId } from '@sport-venue/shared';
// The first `npm start` trains a model from data in the repository when none exists, in the
// background, and the artifact carries its validation (backtest) figures; afterwards the model is
// retrained on a schedule from the venues' own headcount history in MariaDB.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasArtifact, startModelBootstrap } from '../scripts/model-bootstrap.ts';
import { spawn } from 'node:child_process';
import type { ForecastManifest, OccupancyRow } from '@sport-venue/forecast';
import { readOccupancyCsv } from '@sport-venue/forecast/csv';
import { createTestDatabase, eventually } from '@sport-venue/shared/testing';
import { createVenueDb } from '../subgraphs/venue/src/catalog/venue-store.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURE = join(ROOT, 'packages/forecast/test/fixtures/fitnesspark-3venues-6weeks.csv');

/** Venues (Zürich gyms) and their headcount samples in a venue database; name → id. */
async function storeHistory(db: ReturnType<typeof createVenueDb>, rows: OccupancyRow[]) {
  await db.city.create({ data: { code: 'CH-261', name: 'Zürich', timeZone: 'Europe/Zurich' } });
  const ids = new Map<string, bigint>();
  for (const name of new Set(rows.map((r) => r.venue))) {
    const venue = await db.venue.create({
      data: {
        id: nextId(),
        cityCode: 'CH-261',
        slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        name,
        address: 'Zürich',
        lat: 47.38,
        lng: 8.54,
        sports: ['gym'],
        capacity: null,
        timeZone: 'Europe/Zurich',
        openingHours: {},
      },
    });
    ids.set(name, venue.id);
  }
  await db.occupancySample.createMany({
    data: rows
      .filter((r) => r.occupancy !== null)
      .map((r) => ({ venueId: ids.get(r.venue)!, at: r.at, count: r.occupancy!, source: 'SAMPLED' })),
  });
  return ids;
}

/** Runs scripts/train.ts to completion. */
function runTrain(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/train.ts', ...args], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

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

  it('retrains on schedule from the venues’ own history, each artifact with its validation figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-bootstrap-'));
    dirs.push(dir);
    const venueDb = await createTestDatabase('venue');
    const db = createVenueDb(venueDb.url);
    try {
      // Three gyms with six weeks of headcounts (the fixture), stored as the sampler stores them.
      const ids = await storeHistory(db, (await readOccupancyCsv(FIXTURE)).rows);
      // An artifact exists already: no first training, only the schedule (every ~2 s here).
      await mkdir(join(dir, 'v0'));
      await writeFile(join(dir, 'v0', 'manifest.json'), '{}');
      const lines: string[] = [];
      const bootstrap = await startModelBootstrap({
        root: ROOT,
        env: {
          ...process.env,
          MODEL_ARTIFACT_DIR: dir,
          MODEL_RETRAIN_INTERVAL_H: String(2 / 3600),
          VENUE_DATABASE_URL: venueDb.url,
        },
        trainArgs: ['--epochs', '1'],
        log: (line) => lines.push(line),
      });
      try {
        const version = await eventually(
          async () => (await readdir(dir)).find((name) => name !== 'v0' && !name.startsWith('.')),
          { timeoutMs: 300_000, intervalMs: 500 },
        );
        const manifest = JSON.parse(
          await readFile(join(dir, version, 'manifest.json'), 'utf8'),
        ) as ForecastManifest;
        // Trained on the database's venues (keyed by id, with their sport), not on the shipped file.
        assert.deepEqual(Object.keys(manifest.venues).sort(), [...ids.values()].map(String).sort());
        for (const info of Object.values(manifest.venues)) assert.equal(info.attributes?.sport, 'gym');
        assert.equal(manifest.timeZone, 'Europe/Zurich');
        assert.deepEqual(
          manifest.guard?.validation.byBand.map((b) => b.label),
          ['h1', 'h2-6', 'h7-12', 'h13-24'],
          lines.join('\n'),
        );
        for (const b of manifest.guard!.validation.byBand)
          assert.ok(b.n > 0 && Number.isFinite(b.guarded) && Number.isFinite(b.coverageGuarded));
      } finally {
        bootstrap.stop();
        await bootstrap.idle();
      }
    } finally {
      await db.$disconnect();
      await venueDb.drop();
    }
  });

  it('publishes no model from a database history too short to validate one; the first start falls back to the shipped file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-bootstrap-'));
    dirs.push(dir);
    const venueDb = await createTestDatabase('venue');
    const db = createVenueDb(venueDb.url);
    try {
      // Ten days of history: too few for the guard's validation weeks.
      const { rows } = await readOccupancyCsv(FIXTURE);
      const from = rows[0]!.at.getTime();
      await storeHistory(
        db,
        rows.filter((r) => r.at.getTime() < from + 10 * 86_400_000),
      );
      const env = { ...process.env, MODEL_ARTIFACT_DIR: dir, VENUE_DATABASE_URL: venueDb.url };
      const scheduled = await runTrain(['--epochs', '1'], env);
      assert.equal(scheduled.code, 1, scheduled.output);
      assert.match(scheduled.output, /days of history in Europe\/Zurich, too few to validate a model/);
      assert.equal(await hasArtifact(dir), false);
      const first = await runTrain(['--fallback-data', FIXTURE, '--epochs', '1'], env);
      assert.equal(first.code, 0, first.output);
      assert.match(first.output, /too few to validate a model: training on .* instead/);
      const [version] = await readdir(dir);
      const manifest = JSON.parse(
        await readFile(join(dir, version!, 'manifest.json'), 'utf8'),
      ) as ForecastManifest;
      assert.ok(manifest.guard, 'a validated model');
      assert.ok(Object.hasOwn(manifest.venues, 'Fitnesspark Zürich Puls 5'), 'trained on the file');
    } finally {
      await db.$disconnect();
      await venueDb.drop();
    }
  });
});
