import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  generateSigningKey,
  jwksDocument,
  parseSigningKeys,
  resolveSigningKeys,
  serializeSigningKeys,
} from '../../src/signing-keys.ts';

describe('signing keys', () => {
  const a = generateSigningKey();
  const b = generateSigningKey();

  it('round-trips JWT_SIGNING_KEYS and keeps the order: the first key signs', () => {
    const parsed = parseSigningKeys(serializeSigningKeys([b, a]));
    assert.deepEqual(
      parsed.map((k) => k.kid),
      [b.kid, a.kid],
    );
  });

  it('accepts PEM strings and gives them their RFC 7638 thumbprint as kid', () => {
    const pem = a.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const [fromPem] = parseSigningKeys(JSON.stringify([pem]));
    assert.equal(fromPem!.kid, a.kid);
  });

  it('publishes only public key material', () => {
    const jwks = jwksDocument([a, b]);
    assert.equal(jwks.keys.length, 2);
    for (const key of jwks.keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      assert.equal(key.alg, 'RS256');
    }
  });

  it('rejects malformed lists, non-RSA and short keys, and duplicate kids, without echoing keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    const cases: Array<[string, RegExp]> = [
      ['not json', /JSON array/],
      ['[]', /non-empty/],
      [JSON.stringify([ec]), /RSA/],
      [JSON.stringify([short]), /2048 bits/],
      [JSON.stringify([{ kty: 'RSA', n: 'x', e: 'AQAB' }]), /private JWK/],
      [`[${serializeSigningKeys([a]).slice(1, -1)},${serializeSigningKeys([a]).slice(1, -1)}]`, /unique/],
    ];
    for (const [value, message] of cases) {
      assert.throws(
        () => parseSigningKeys(value),
        (err: Error) => message.test(err.message) && !/BEGIN|"d"/.test(err.message),
      );
    }
  });

  it('generates keys only outside production, persisting them in development', () => {
    assert.throws(
      () => resolveSigningKeys(undefined, 'production', '/nonexistent'),
      /required in production/,
    );
    assert.equal(resolveSigningKeys([a], 'production', '/nonexistent')[0], a);
    const dir = mkdtempSync(path.join(tmpdir(), 'sv-keys-'));
    try {
      const file = path.join(dir, 'user', 'keys.json');
      const first = resolveSigningKeys(undefined, 'development', file);
      const again = resolveSigningKeys(undefined, 'development', file);
      assert.equal(again[0]!.kid, first[0]!.kid);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(readFileSync(file, 'utf8').includes(first[0]!.kid));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
