// The static server of built single-page apps (the console; an H5 build): files, client-side
// routes answered with index.html, runtime settings, nothing outside the root.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic, type StaticServer } from '../scripts/serve-static.ts';

let server: StaticServer;
let graphUrl = 'http://127.0.0.1:1/graphql';

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'sv-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'sv-static-secret.txt'), 'secret');
  server = await serveStatic({ root, port: 0, runtimeConfig: () => ({ graphUrl }) });
});
after(async () => {
  await server?.stop();
});

/** A raw request: fetch would normalise `..` out of the path before sending it. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  it('serves hashed assets with a year of caching and their content type', async () => {
    const res = await fetch(`${server.url}/assets/app-1a2b.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/javascript/);
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await res.text(), 'console.log(1)');
  });

  it('answers client-side routes with index.html, never cached', async () => {
    const res = await fetch(`${server.url}/venues/42/checkins?from=2026-12-01`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(await res.text(), /id="app"/);
  });

  it('answers a missing asset with 404 rather than the page', async () => {
    assert.equal((await fetch(`${server.url}/assets/gone-0000.js`)).status, 404);
    assert.equal((await fetch(`${server.url}/favicon.ico`)).status, 404);
  });

  it('serves the runtime settings as they are now', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/config.json`)).json(), { graphUrl });
    graphUrl = 'http://127.0.0.1:2/graphql';
    assert.deepEqual(await (await fetch(`${server.url}/config.json`)).json(), { graphUrl });
  });

  it('never serves a file outside its root', async () => {
    const res = await rawGet('/../sv-static-secret.txt');
    assert.notEqual(res.body, 'secret');
    const encoded = await rawGet('/%2e%2e/sv-static-secret.txt');
    assert.notEqual(encoded.body, 'secret');
  });

  it('answers a malformed path with 400 and keeps serving', async () => {
    assert.equal((await rawGet('/%E0%A4%A')).status, 400);
    assert.equal((await fetch(`${server.url}/`)).status, 200);
  });

  it('refuses writes', async () => {
    assert.equal((await fetch(`${server.url}/`, { method: 'POST' })).status, 405);
  });
});
