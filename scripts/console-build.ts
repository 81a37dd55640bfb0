// Builds apps/console when its build is missing or older than its inputs (sources, the generated
// documents it imports, the lockfile). `npm start` and the browser tests call it; a no-op when
// nothing changed. Prints the initial JavaScript size (gzip) against the 250 KB budget.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const repo = new URL('../', import.meta.url).pathname;
const app = join(repo, 'apps/console');
export const CONSOLE_DIST = join(app, 'dist');
const STAMP = join(CONSOLE_DIST, '.sv-build-stamp');
export const INITIAL_JS_BUDGET_BYTES = 250 * 1024;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)],
  );
}

function inputsStamp(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...files(join(app, 'src')),
    ...files(join(repo, 'packages/graph-client/src')),
    join(app, 'index.html'),
    join(app, 'vite.config.ts'),
    join(app, 'package.json'),
    join(repo, 'package-lock.json'),
  ].sort();
  for (const file of inputs) hash.update(relative(repo, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

/** The module scripts index.html loads at once (entry + modulepreloads), gzip-compressed. */
export function initialJsBytes(dist = CONSOLE_DIST): { files: number; gzip: number; raw: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const srcs = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => m[1]!);
  let gzip = 0;
  let raw = 0;
  for (const src of new Set(srcs)) {
    const body = readFileSync(join(dist, src.replace(/^\//, '')));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { files: new Set(srcs).size, gzip, raw };
}

export function ensureConsoleBuilt(log: (line: string) => void = console.log): boolean {
  const stamp = inputsStamp();
  if (
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8') === stamp &&
    statSync(join(CONSOLE_DIST, 'index.html')).isFile()
  )
    return false;
  log('console: building apps/console (vite)…');
  execFileSync(
    process.execPath,
    [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: app,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  writeFileSync(STAMP, stamp);
  const size = initialJsBytes();
  log(
    `console: initial JS ${(size.gzip / 1024).toFixed(1)} KB gzip (${(size.raw / 1024).toFixed(1)} KB raw, ${size.files} files; budget ${INITIAL_JS_BUDGET_BYTES / 1024} KB)`,
  );
  return true;
}

if (import.meta.main) {
  if (process.argv.includes('--force') && existsSync(STAMP)) writeFileSync(STAMP, '');
  ensureConsoleBuilt();
  const size = initialJsBytes();
  console.log(
    JSON.stringify({ initialJsGzipBytes: size.gzip, initialJsRawBytes: size.raw, files: size.files }),
  );
}
