/**
 * Versioned model artifacts on disk:
 *
 *   <root>/<version>/manifest.json   ForecastManifest (version, createdAt, features, profiles,
 *                                    normalisation, thresholds, training metrics)
 *   <root>/<version>/model.json      TF.js layers-model JSON (topology + weightsManifest)
 *   <root>/<version>/weights.bin     float32 weights
 *
 * Written through tf.io.withSaveHandler / read through tf.io.fromMemory (no tfjs-node needed).
 * A version directory is written to a temporary name and renamed into place, so readers never
 * see a half-written artifact. `latestArtifact(root)` picks the newest by manifest createdAt.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tf, initBackend } from './model.ts';
import { ARTIFACT_FORMAT_VERSION } from './forecaster.ts';
import type { Forecaster, ForecastManifest } from './forecaster.ts';
import { FEATURE_NAMES } from './features.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

function toBuffer(data: ArrayBuffer | ArrayBuffer[] | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

/** Writes `<root>/<manifest.version>/`; fails if that version already exists. Returns the directory. */
export async function saveArtifact(forecaster: Forecaster, root: string): Promise<string> {
  const version = forecaster.manifest.version;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) throw new Error(`invalid artifact version "${version}"`);
  await mkdir(root, { recursive: true });
  const dir = join(root, version);
  if (await exists(dir)) throw new Error(`artifact version ${version} already exists in ${root}`);
  const tmp = join(root, `.tmp-${version}-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    await forecaster.network.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = toBuffer(artifacts.weightData as ArrayBuffer | ArrayBuffer[] | undefined);
        const modelJson = {
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        };
        await writeFile(join(tmp, MODEL_FILE), JSON.stringify(modelJson));
        await writeFile(join(tmp, WEIGHTS_FILE), weights);
        return {
          modelArtifactsInfo: {
            dateSaved: new Date(),
            modelTopologyType: 'JSON',
            weightDataBytes: weights.byteLength,
          },
        };
      }),
    );
    await writeFile(join(tmp, MANIFEST_FILE), `${JSON.stringify(forecaster.manifest, null, 1)}\n`);
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export async function readManifest(dir: string): Promise<ForecastManifest> {
  const m = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as ForecastManifest;
  if (m.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new Error(
      `artifact ${dir}: format version ${String(m.formatVersion)} is not supported (expected ${ARTIFACT_FORMAT_VERSION})`,
    );
  }
  if (
    m.featureNames.length !== FEATURE_NAMES.length ||
    m.featureNames.some((f, i) => f !== FEATURE_NAMES[i])
  ) {
    throw new Error(
      `artifact ${dir}: feature list differs from this library's (${m.featureNames.length} vs ${FEATURE_NAMES.length} features)`,
    );
  }
  return m;
}

/** Loads one artifact directory (as returned by saveArtifact / latestArtifact). */
export async function loadArtifact(dir: string): Promise<Forecaster> {
  await initBackend();
  const manifest = await readManifest(dir);
  const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  const group = modelJson.weightsManifest[0];
  if (!group) throw new Error(`artifact ${dir}: model.json has no weightsManifest`);
  const buffers = await Promise.all(group.paths.map((p) => readFile(join(dir, p))));
  const weights = Buffer.concat(buffers);
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const network = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: group.weights, weightData }),
  );
  return { manifest, network };
}

export interface ArtifactInfo {
  version: string;
  createdAt: string;
  dir: string;
}

/**
 * {version, createdAt} of valid version directories already read, per root and directory name.
 * A version directory is immutable once renamed into place (saveArtifact), so a poll only reads
 * the manifests of new directories. Invalid or unreadable ones are not remembered (read again on
 * the next call), and names no longer listed are dropped.
 */
const listed = new Map<string, Map<string, ArtifactInfo>>();

async function readArtifactInfo(dir: string): Promise<ArtifactInfo | null> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Partial<ForecastManifest>;
    if (
      m.formatVersion !== ARTIFACT_FORMAT_VERSION ||
      typeof m.createdAt !== 'string' ||
      typeof m.version !== 'string'
    )
      return null;
    if (!(await exists(join(dir, MODEL_FILE)))) return null;
    return { version: m.version, createdAt: m.createdAt, dir };
  } catch {
    return null;
  }
}

/** Valid artifact versions under `root`, oldest first. */
export async function listArtifacts(root: string): Promise<ArtifactInfo[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    listed.delete(root);
    return [];
  }
  const known = listed.get(root);
  const seen = new Map<string, ArtifactInfo>();
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const info = known?.get(name) ?? (await readArtifactInfo(join(root, name)));
    if (info) seen.set(name, info);
  }
  listed.set(root, seen);
  const out = [...seen.values()].map((a) => ({ ...a }));
  const t = (a: ArtifactInfo): number => Date.parse(a.createdAt) || 0;
  return out.sort((a, b) => t(a) - t(b) || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

/** Directory of the newest artifact under `root` (by createdAt, then version), or null. */
export async function latestArtifact(root: string): Promise<string | null> {
  const all = await listArtifacts(root);
  return all.length > 0 ? all[all.length - 1]!.dir : null;
}

/** Loads the newest artifact under `root`; throws if there is none. */
export async function loadLatestArtifact(root: string): Promise<Forecaster> {
  const dir = await latestArtifact(root);
  if (!dir) throw new Error(`no model artifact found in ${root}`);
  return loadArtifact(dir);
}
