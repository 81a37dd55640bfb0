// Request bodies as every GraphQL server here reads them (readBody in src/http.ts): whole, in
// order, characters intact across chunk boundaries, and refused past the limit whether or not the
// client declared a length — with the refusal still answered on the connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { PayloadTooLargeError, readBody } from '../src/http.ts';
import { eventually } from '../src/testing.ts';

const LIMIT = 1_000;

/** POSTs `chunks` one write each, without a content-length (chunked); resolves with status and body. */
function postChunks(port: number, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port, method: 'POST', path: '/', headers: { 'transfer-encoding': 'chunked' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readBody', () => {
  let server: Server;
  let port: number;
  /** How each read ended, in order. */
  const outcomes: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      readBody(req, LIMIT).then(
        (text) => {
          outcomes.push('read');
          res.writeHead(200).end(text);
        },
        (err: unknown) => {
          outcomes.push(err instanceof PayloadTooLargeError ? 'too large' : 'failed');
          res.writeHead(err instanceof PayloadTooLargeError ? 413 : 500).end(String(err));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('joins chunks in order, a character split between two chunks intact', async () => {
    const text = Buffer.from('{"query":"场馆 打卡"}', 'utf8');
    const cut = text.indexOf(Buffer.from('馆', 'utf8')) + 1; // inside the three bytes of 馆
    const answer = await postChunks(port, [text.subarray(0, cut), text.subarray(cut)]);
    assert.deepEqual(answer, { status: 200, body: '{"query":"场馆 打卡"}' });
  });

  it('refuses a chunked body past the limit, and the refusal reaches the client', async () => {
    const chunk = Buffer.alloc(400, 'a');
    const answer = await postChunks(port, [chunk, chunk, chunk, chunk]);
    assert.equal(answer.status, 413);
    assert.match(answer.body, /body exceeds 1000 bytes/);
  });

  it('refuses a declared length past the limit before reading', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
    assert.equal(res.status, 413);
  });

  it('a body of exactly the limit is read', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(LIMIT) });
    assert.equal(res.status, 200);
    assert.equal((await res.text()).length, LIMIT);
  });

  it('a client gone before its body ended settles the read instead of leaving it pending', async () => {
    const before = outcomes.length;
    const req = request({
      port,
      method: 'POST',
      path: '/',
      headers: { 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => undefined);
    req.write('{"query":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await eventually(() => outcomes.length > before);
    assert.deepEqual(outcomes.slice(before), ['failed']);
  });
});
