// RS256 keys for access tokens. `JWT_SIGNING_KEYS` holds a JSON array of RSA private keys (JWK
// objects, or PEM strings); the first signs, all are published in the JWKS. Rotation: add the new
// key at the end (published, not yet signing), wait for verifiers' JWKS caches, move it to the
// front, and remove the old key once the last token it signed has expired (ACCESS_TOKEN_TTL).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** Public half as published in the JWKS. */
  publicJwk: JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' };
}

const MIN_MODULUS_BITS = 2048;

/** RFC 7638 thumbprint: a stable kid for keys given without one. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

function toSigningKey(privateKey: KeyObject, kid?: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('keys must be RSA (RS256)');
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) throw new Error(`RSA keys must have at least ${MIN_MODULUS_BITS} bits`);
  const { n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
  const id = kid ?? thumbprint({ n, e });
  return { kid: id, privateKey, publicJwk: { kty: 'RSA', n, e, kid: id, alg: 'RS256', use: 'sig' } };
}

/** Parses `JWT_SIGNING_KEYS`; throws with a short reason (no key material in the message). */
export function parseSigningKeys(value: string): SigningKey[] {
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    throw new Error('must be a JSON array of RSA private keys (JWK objects or PEM strings)');
  }
  if (!Array.isArray(list) || list.length === 0) throw new Error('must be a non-empty JSON array');
  const keys = list.map((item, i) => {
    try {
      if (typeof item === 'string') return toSigningKey(createPrivateKey(item));
      if (item && typeof item === 'object' && 'd' in item) {
        const jwk = item as JsonWebKey & { kid?: unknown };
        return toSigningKey(
          createPrivateKey({ key: jwk, format: 'jwk' }),
          typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : undefined,
        );
      }
    } catch (err) {
      const reason = err instanceof Error && /RSA|bits/.test(err.message) ? err.message : 'not a valid key';
      throw new Error(`key ${i}: ${reason}`);
    }
    throw new Error(`key ${i}: must be a private JWK or a PEM string`);
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new Error('key ids (kid) must be unique');
  return keys;
}

/** The JSON form `parseSigningKeys` reads: private JWKs with their kid. */
export function serializeSigningKeys(keys: SigningKey[]): string {
  return JSON.stringify(keys.map((k) => ({ ...k.privateKey.export({ format: 'jwk' }), kid: k.kid })));
}

export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return toSigningKey(privateKey);
}

export function jwksDocument(keys: SigningKey[]) {
  return { keys: keys.map((k) => k.publicJwk) };
}

/**
 * The keys to use: configured ones, else (never in production) a generated key — kept in
 * `stateFile` in development so that sessions survive restarts, in memory only in tests.
 */
export function resolveSigningKeys(
  configured: SigningKey[] | undefined,
  nodeEnv: 'development' | 'test' | 'production',
  stateFile: string,
): SigningKey[] {
  if (configured) return configured;
  if (nodeEnv === 'production') throw new Error('JWT_SIGNING_KEYS is required in production');
  if (nodeEnv === 'test') return [generateSigningKey()];
  if (existsSync(stateFile)) return parseSigningKeys(readFileSync(stateFile, 'utf8'));
  const keys = [generateSigningKey()];
  mkdirSync(path.dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, serializeSigningKeys(keys), { mode: 0o600 });
  chmodSync(stateFile, 0o600);
  return keys;
}

/** Where development keeps its generated keys: the git-ignored state directory. */
export function devSigningKeysFile(stateDir = process.env.SV_STATE_DIR): string {
  const root = new URL('../../../', import.meta.url).pathname;
  return path.join(
    stateDir ? path.resolve(root, stateDir) : path.join(root, '.state'),
    'user',
    'jwt-signing-keys.json',
  );
}

if (import.meta.main) {
  // `node subgraphs/user/src/signing-keys.ts` prints a new key as a one-element JWT_SIGNING_KEYS.
  process.stdout.write(`${serializeSigningKeys([generateSigningKey()])}\n`);
}
