// A misconfigured process exits at start with one line naming the setting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const entries = {
  router: { file: 'router/src/index.ts', bad: { ROUTER_PORT: '99999' }, variable: 'ROUTER_PORT' },
  user: {
    file: 'subgraphs/user/src/index.ts',
    bad: { USER_DATABASE_URL: 'postgres://x/y' },
    variable: 'USER_DATABASE_URL',
  },
  venue: { file: 'subgraphs/venue/src/index.ts', bad: { REDIS_URL: 'not a url' }, variable: 'REDIS_URL' },
  social: { file: 'subgraphs/social/src/index.ts', bad: { MONGO_URL: 'redis://x' }, variable: 'MONGO_URL' },
  prediction: {
    file: 'subgraphs/prediction/src/index.ts',
    bad: { NODE_ENV: 'staging' },
    variable: 'NODE_ENV',
  },
};

describe('misconfigured processes exit at start', () => {
  for (const [name, { file, bad, variable }] of Object.entries(entries)) {
    it(`${name} exits with one line naming ${variable}`, () => {
      const result = spawnSync(process.execPath, [file], {
        cwd: new URL('../', import.meta.url),
        env: { PATH: process.env.PATH, ...bad },
        encoding: 'utf8',
        // Generous: on a saturated host loading a part's modules took ~20 s before the check ran
        // (the prediction subgraph printed its line and was killed by a 20 s limit).
        timeout: 120_000,
      });
      assert.equal(result.status, 78, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, new RegExp(`^invalid configuration: ${variable}: `));
      assert.equal(result.stdout, '');
    });
  }
});
