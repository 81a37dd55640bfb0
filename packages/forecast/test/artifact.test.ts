import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainForecaster } from '../src/trainer.ts';
import {
  saveArtifact,
  loadArtifact,
  latestArtifact,
  listArtifacts,
  loadLatestArtifact,
} from '../src/artifact.ts';
import { predict } from '../src/predict.ts';
import { syntheticRows, TZ } from './support/synthetic.ts';

const TINY = { epochs: 2, hidden: [16], horizonsPerTarget: 2 } as const;

test('artifact save/load round trip gives identical predictions', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'forecast-artifact-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const rows = syntheticRows({ days: 28 });
  const forecaster = await trainForecaster(rows, {
    ...TINY,
    timeZone: TZ,
    version: 'v1',
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  const path = await saveArtifact(forecaster, dir);
  assert.equal(path, join(dir, 'v1'));
  const manifest = JSON.parse(await readFile(join(path, 'manifest.json'), 'utf8'));
  assert.equal(manifest.version, 'v1');
  assert.equal(manifest.createdAt, '2026-01-01T00:00:00.000Z');
  assert.equal(manifest.featureNames.length, forecaster.manifest.featureNames.length);
  assert.ok(manifest.venues['Fitnesspark Zürich Test'].profile.length === 168);
  assert.ok(manifest.training.samples > 0);

  const loaded = await loadArtifact(path);
  assert.deepEqual(loaded.manifest, forecaster.manifest);
  const history = rows.filter(
    (r) => r.venue === 'Fitnesspark Zürich Test' && r.at.getTime() < Date.parse('2025-03-30T10:00:00Z'),
  );
  for (const venue of ['Fitnesspark Zürich Test', 'Unknown Gym']) {
    const req = { venue, origin: new Date('2025-03-30T10:00:00Z'), horizonHours: 24, history };
    assert.deepEqual(predict(loaded, req), predict(forecaster, req));
  }
  await assert.rejects(saveArtifact(forecaster, dir), /already exists/);
});

test('latestArtifact picks the newest version and ignores incomplete directories', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'forecast-latest-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(await latestArtifact(dir), null);
  assert.equal(await latestArtifact(join(dir, 'does-not-exist')), null);
  const rows = syntheticRows({ days: 21, venues: { 'Fitnesspark Bern Test': 60 } });
  const older = await trainForecaster(rows, {
    ...TINY,
    timeZone: TZ,
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  const newer = await trainForecaster(rows, {
    ...TINY,
    timeZone: TZ,
    now: () => new Date('2026-02-01T00:00:00Z'),
  });
  assert.equal(newer.manifest.version, 'v20260201T000000000Z');
  await saveArtifact(newer, dir);
  await saveArtifact(older, dir);
  await mkdir(join(dir, 'zzz-broken'));
  await writeFile(join(dir, 'zzz-broken', 'manifest.json'), '{not json');
  await mkdir(join(dir, '.tmp-partial'));
  assert.equal(await latestArtifact(dir), join(dir, 'v20260201T000000000Z'));
  assert.deepEqual(
    (await listArtifacts(dir)).map((a) => a.version),
    ['v20260101T000000000Z', 'v20260201T000000000Z'],
  );
  assert.equal((await loadLatestArtifact(dir)).manifest.createdAt, '2026-02-01T00:00:00.000Z');
  await assert.rejects(loadLatestArtifact(join(dir, 'empty')), /no model artifact/);
});

test('listArtifacts on a polled directory picks up new, repaired and removed versions', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'forecast-poll-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const rows = syntheticRows({ days: 14, venues: { A: 50 } });
  const train = (day: string) =>
    trainForecaster(rows, { ...TINY, timeZone: TZ, now: () => new Date(`${day}T00:00:00Z`) });
  const first = await train('2026-01-01');
  const v1 = await saveArtifact(first, dir);
  await mkdir(join(dir, 'v-later'));
  await writeFile(join(dir, 'v-later', 'manifest.json'), '{not json');
  assert.deepEqual(
    (await listArtifacts(dir)).map((a) => a.version),
    ['v20260101T000000000Z'],
  );
  // a broken directory is read again on the next call
  await writeFile(
    join(dir, 'v-later', 'manifest.json'),
    JSON.stringify({ ...first.manifest, version: 'v-later', createdAt: '2026-03-01T00:00:00.000Z' }),
  );
  await writeFile(join(dir, 'v-later', 'model.json'), await readFile(join(v1, 'model.json')));
  await saveArtifact(await train('2026-02-01'), dir);
  assert.deepEqual(
    (await listArtifacts(dir)).map((a) => a.version),
    ['v20260101T000000000Z', 'v20260201T000000000Z', 'v-later'],
  );
  await rm(v1, { recursive: true });
  assert.deepEqual(
    (await listArtifacts(dir)).map((a) => a.version),
    ['v20260201T000000000Z', 'v-later'],
  );
});

test('loading an artifact with another feature list fails clearly', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'forecast-compat-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const f = await trainForecaster(syntheticRows({ days: 14, venues: { A: 50 } }), {
    ...TINY,
    timeZone: TZ,
    version: 'old',
  });
  const path = await saveArtifact(f, dir);
  const m = JSON.parse(await readFile(join(path, 'manifest.json'), 'utf8'));
  m.featureNames = m.featureNames.slice(1);
  await writeFile(join(path, 'manifest.json'), JSON.stringify(m));
  await assert.rejects(loadArtifact(path), /feature list differs/);
});
