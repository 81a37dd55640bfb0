// Both targets build from the same code (`npm test` builds them first, scripts/test.sh): the
// mp-weixin output is a mini-program WeChat developer tools can open, within WeChat's 2 MB main
// package limit; the H5 output loads its pages from a small initial script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureBuilt,
  H5_DIST,
  h5InitialJsGzipBytes,
  MAIN_PACKAGE_LIMIT_BYTES,
  mainPackageBytes,
  MP_DIST,
} from '../scripts/build.ts';

const PAGES = ['pages/index/index', 'pages/login/login', 'pages/venue/venue', 'pages/pk/pk', 'pages/me/me'];

test('mp-weixin: every page is compiled and the main package is within 2 MB', (t) => {
  ensureBuilt('mp-weixin');
  const app = JSON.parse(readFileSync(join(MP_DIST, 'app.json'), 'utf8')) as { pages: string[] };
  assert.deepEqual([...app.pages].sort(), [...PAGES].sort());
  for (const page of PAGES) {
    for (const ext of ['.js', '.json', '.wxml', '.wxss']) {
      assert.ok(existsSync(join(MP_DIST, page + ext)), `${page}${ext} missing`);
    }
  }
  assert.ok(existsSync(join(MP_DIST, 'project.config.json')));
  // The app offers the restart into a downloaded new version (src/lib/app-update.ts, MP-WEIXIN only).
  assert.match(readFileSync(join(MP_DIST, 'app.js'), 'utf8'), /lib\/app-update\.js/);
  assert.match(readFileSync(join(MP_DIST, 'lib/app-update.js'), 'utf8'), /getUpdateManager/);
  const bytes = mainPackageBytes();
  t.diagnostic(`mp-weixin main package: ${bytes} bytes`);
  assert.ok(bytes <= MAIN_PACKAGE_LIMIT_BYTES, `main package ${bytes} > ${MAIN_PACKAGE_LIMIT_BYTES}`);
});

test('h5: the build has an entry page and a small initial script', (t) => {
  ensureBuilt('h5');
  assert.match(readFileSync(join(H5_DIST, 'index.html'), 'utf8'), /<div id="app">/);
  const gzip = h5InitialJsGzipBytes();
  t.diagnostic(`h5 initial JS: ${gzip} bytes gzip`);
  assert.ok(gzip > 10_000 && gzip < 250_000, `h5 initial JS ${gzip} bytes gzip`);
});
