// How the router talks HTTP to its subgraphs: an undici Agent (a keep-alive connection pool per
// subgraph origin) and its `request` API, which hands back the answer as text. The gateway's
// default path went through node-fetch objects (a Request built and its URL parsed per fetch,
// only for error reporting), then global fetch with WHATWG streams and an AbortSignal timer
// per fetch: ~9 % of the router's CPU on a check-in (docs/decisions/0027).
// A deadline still bounds every fetch: the subgraph must send its response headers within
// `timeoutMs`, and may not pause longer than that while sending the body (undici's own timers).
import { STATUS_CODES } from 'node:http';
import { Agent } from 'undici';

export interface SubgraphAnswer {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One POST of a JSON body to a subgraph; rejects on a connection failure or a missed deadline. */
export type SubgraphSend = (
  url: URL,
  headers: Record<string, string>,
  body: string,
) => Promise<SubgraphAnswer>;

export function createSubgraphTransport(opts: { timeoutMs: number }) {
  const agent = new Agent({
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    // Idle connections stay open a while: subgraph fetches come in bursts.
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
  });
  const send: SubgraphSend = async (url, headers, body) => {
    const res = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'POST',
      headers,
      body,
    });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  };
  return { send, close: () => agent.close() };
}

/** The answer seen as the small part of a fetch Response the gateway's error and cache paths read. */
export function responseLike(url: URL, answer: SubgraphAnswer) {
  const header = (name: string) => {
    const value = answer.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : (value ?? null);
  };
  return {
    url: url.href,
    status: answer.status,
    statusText: STATUS_CODES[answer.status] ?? '',
    ok: answer.status >= 200 && answer.status < 300,
    headers: { get: header, has: (name: string) => header(name) !== null },
    text: async () => answer.body,
    json: async () => JSON.parse(answer.body) as unknown,
  };
}
