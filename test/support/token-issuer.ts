// A JWKS endpoint and token signer the tests control, to exercise the router's verification
// (expired, wrong signature, unknown kid, rotation) independently of the user subgraph.
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

interface Key {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export async function startTokenIssuer(issuer = 'sport-venue-user', audience = 'sport-venue') {
  const published: Key[] = [await newKey('k1')];
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };

  async function sign(
    claims: { sub: string; roles?: string[]; venues?: string[] },
    opts: { key?: Key; expiresIn?: number; issuer?: string; audience?: string } = {},
  ) {
    const key = opts.key ?? published[0]!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: claims.roles ?? ['USER'], venues: claims.venues ?? [] })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject(claims.sub)
      .setIssuer(opts.issuer ?? issuer)
      .setAudience(opts.audience ?? audience)
      .setIssuedAt(now - 10)
      .setExpirationTime(now + (opts.expiresIn ?? 600))
      .sign(key.privateKey);
  }

  return {
    jwksUrl: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
    sign,
    newKey,
    /** Publishes another key (rotation: both stay valid). */
    publish: (key: Key) => published.push(key),
    fetches: () => fetches,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
