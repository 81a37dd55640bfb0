// Scenario: a request's trace context and request id travel from the client through the router to
// the subgraphs (W3C traceparent, x-request-id), while client headers such as Authorization do not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { IDENTITY_HEADER, parseTraceparent } from '@sport-venue/shared';
import { startGraph, type Graph } from './support/graph.ts';

/** A pass-through in front of the real venue subgraph that remembers the headers it saw. */
async function recordingProxy() {
  const seen: IncomingHttpHeaders[] = [];
  const state = { target: '' };
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    const upstream = httpRequest(
      new URL(req.url ?? '/', state.target),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    forwardTo: (target: string) => (state.target = target),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('trace context propagation', () => {
  let graph: Graph;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  before(async () => {
    proxy = await recordingProxy();
    graph = await startGraph({ routerEnv: { VENUE_SUBGRAPH_URL: `${proxy.url}/graphql` } });
    proxy.forwardTo(graph.venue.url);
  });
  after(async () => {
    await graph?.stop();
    await proxy?.close();
  });

  it('the subgraph sees the client trace id in a new span, the request id, and no client token', async () => {
    const login = await graph.graphql<{ loginWithWeChat: { accessToken: string } }>(
      'mutation { loginWithWeChat(code: "test-tracing") { accessToken } }',
    );
    assert.equal(login.errors, undefined, JSON.stringify(login.errors));
    const token = login.data!.loginWithWeChat.accessToken;
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const result = await graph.graphql(
      '{ cities { code } }',
      {},
      { traceparent, 'x-request-id': 'req-123', cookie: 'a=b', authorization: `Bearer ${token}` },
    );
    assert.equal(result.errors, undefined);
    const headers = proxy.seen.at(-1)!;
    const forwarded = parseTraceparent(headers.traceparent);
    assert.equal(forwarded?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.notEqual(forwarded?.spanId, '00f067aa0ba902b7');
    assert.equal(headers['x-request-id'], 'req-123');
    assert.equal(headers.cookie, undefined);
    assert.equal(headers.authorization, undefined, 'the client token stays at the router');
    assert.ok(headers[IDENTITY_HEADER], 'the verified caller travels as the router-signed identity');
  });
});
