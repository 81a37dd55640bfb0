// The mini-program's builds, shared by `npm start`, the browser test and the size report.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const APP_DIR = new URL('../', import.meta.url).pathname;
export const H5_DIST = join(APP_DIR, 'dist/h5');
export const MP_DIST = join(APP_DIR, 'dist/mp-weixin');
/** WeChat's limit for the main package. */
export const MAIN_PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024;

export function build(target: 'h5' | 'mp-weixin', log: (line: string) => void = () => {}) {
  log(`building the mini-program (${target})`);
  rmSync(target === 'h5' ? H5_DIST : MP_DIST, { recursive: true, force: true });
  execFileSync('npm', ['run', `build:${target}`, '--silent'], { cwd: APP_DIR, stdio: 'pipe' });
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** What a build is made from: the app's sources and the generated client operations. */
function newestInput(): number {
  const inputs = [
    ...files(join(APP_DIR, 'src')),
    ...files(join(APP_DIR, '../../packages/graph-client/src')),
    join(APP_DIR, 'vite.config.ts'),
    join(APP_DIR, 'package.json'),
  ];
  return Math.max(...inputs.map((f) => statSync(f).mtimeMs));
}

/** Builds `target` unless its output is newer than every input. */
export function ensureBuilt(target: 'h5' | 'mp-weixin', log?: (line: string) => void) {
  const marker = join(target === 'h5' ? H5_DIST : MP_DIST, target === 'h5' ? 'index.html' : 'app.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < newestInput()) build(target, log);
}

/** Bytes of the mp-weixin main package (everything outside declared subpackages). */
export function mainPackageBytes(): number {
  const app = JSON.parse(readFileSync(join(MP_DIST, 'app.json'), 'utf8')) as {
    subPackages?: Array<{ root: string }>;
    subpackages?: Array<{ root: string }>;
  };
  const subRoots = (app.subPackages ?? app.subpackages ?? []).map((s) => join(MP_DIST, s.root));
  return files(MP_DIST)
    .filter((f) => !subRoots.some((root) => f.startsWith(root)))
    .reduce((sum, f) => sum + statSync(f).size, 0);
}

/** Gzip bytes of the scripts index.html loads (the H5 initial JS). */
export function h5InitialJsGzipBytes(): number {
  const html = readFileSync(join(H5_DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+\.js)"/g)].map((m) => m[1]!);
  return scripts.reduce(
    (sum, src) => sum + gzipSync(readFileSync(join(H5_DIST, src.replace(/^\.?\//, '')))).length,
    0,
  );
}
