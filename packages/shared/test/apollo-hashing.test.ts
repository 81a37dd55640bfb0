// Apollo's per-request hashing gets node:crypto without a trip through the module loader
// (packages/shared/src/http.ts, docs/decisions/0032).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire, Module } from 'node:module';
import { serveCryptoToApolloHashing } from '../src/http.ts';

const require = createRequire(import.meta.url);
type Hashing = { createHash: (kind: string) => ReturnType<typeof createHash> };

/** Each installed copy of @apollo/utils.createhash that Apollo Server and the gateway load. */
function apolloHashing(): Hashing[] {
  return ['@apollo/server', '@apollo/gateway'].map((dependent) => {
    const from = createRequire(require.resolve(dependent));
    return from(from.resolve('@apollo/utils.createhash')) as Hashing;
  });
}

/** How many times the module loader runs while `fn` does. */
function loaderCalls(fn: () => void): number {
  const loader = Module as unknown as { _load: (...args: unknown[]) => unknown };
  const original = loader._load;
  let calls = 0;
  loader._load = function (...args: unknown[]) {
    calls += 1;
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    loader._load = original;
  }
  return calls;
}

describe('Apollo query hashing', () => {
  it('hashes each query without loading a module, with the same digest as node:crypto', () => {
    serveCryptoToApolloHashing();
    serveCryptoToApolloHashing(); // idempotent
    for (const hashing of apolloHashing()) {
      let digest = '';
      const calls = loaderCalls(() => {
        for (let i = 0; i < 3; i++)
          digest = hashing.createHash('sha256').update('{ me { id } }').digest('hex');
      });
      assert.equal(calls, 0);
      assert.equal(digest, createHash('sha256').update('{ me { id } }').digest('hex'));
    }
  });

  it('anything else the module asks for still goes through the loader', () => {
    serveCryptoToApolloHashing();
    const from = createRequire(require.resolve('@apollo/server'));
    const module = require.cache[from.resolve('@apollo/utils.createhash')]!;
    assert.equal(
      loaderCalls(() => module.require('node:path')),
      1,
    );
  });
});
