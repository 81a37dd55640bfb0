// A local stand-in for the WeChat API, so login runs offline (development and tests). It speaks
// jscode2session the way WeChat does: HTTP 200, a JSON body with `text/plain`, errors as errcode.
//
//   test-<name>        → openid o-test-<name>, unionid u-test-<name>, a fresh session_key
//   test-invalid       → 40029 invalid code          test-used     → 40163 code been used
//   test-ratelimited   → 45011 minute quota reached  test-blocked  → 40226 high risk user
//   test-busy          → -1 system busy              test-slow     → logs in, but after `slowMs`
//   anything else      → 40029 (the fake knows no real codes)
// A wrong appid or secret gets 40013 / 40125, a missing code 41008, as from WeChat.
//
// Run alone: `node subgraphs/user/src/wechat-fake.ts` (WECHAT_FAKE_PORT, default 4011; BIND_HOST). It is a
// separate server on purpose: production has no code path that bypasses WeChat.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { closeServer, listen } from '@sport-venue/shared';
import { DEV_SECRETS } from './config.ts';

export interface FakeWeChatOptions {
  appid?: string;
  secret?: string;
  port?: number;
  host?: string;
  /** Delay of `test-slow`. */
  slowMs?: number;
}

const ERRORS: Record<string, [number, string]> = {
  invalid: [40029, 'invalid code'],
  used: [40163, 'code been used'],
  ratelimited: [45011, 'api minute-quota reach limit  mustslower  retry next minute'],
  blocked: [40226, 'high risk user'],
  busy: [-1, 'system error'],
};

/** The jscode2session answer for one request's query string. */
export function fakeCode2Session(
  query: URLSearchParams,
  expected: { appid: string; secret: string },
): Record<string, unknown> {
  const rid = randomBytes(4).toString('hex');
  const error = (errcode: number, errmsg: string) => ({ errcode, errmsg: `${errmsg}, rid: ${rid}` });
  if (query.get('appid') !== expected.appid) return error(40013, 'invalid appid');
  if (query.get('secret') !== expected.secret) return error(40125, 'invalid appsecret');
  if (query.get('grant_type') !== 'authorization_code') return error(40002, 'invalid grant_type');
  const code = query.get('js_code');
  if (!code) return error(41008, 'missing code');
  const match = /^test-([\w.-]{1,64})$/.exec(code);
  if (!match) return error(...ERRORS.invalid!);
  const name = match[1]!;
  const failure = ERRORS[name];
  if (failure) return error(...failure);
  return {
    session_key: randomBytes(16).toString('base64'),
    openid: `o-test-${name}`,
    unionid: `u-test-${name}`,
  };
}

export interface FakeWeChat {
  server: Server;
  url: string;
  port: number;
  /** Codes received, in order (tests assert what reached "WeChat"). */
  calls: string[];
  stop(): Promise<void>;
}

export async function startFakeWeChat(opts: FakeWeChatOptions = {}): Promise<FakeWeChat> {
  const expected = {
    appid: opts.appid ?? DEV_SECRETS.WECHAT_APPID,
    secret: opts.secret ?? DEV_SECRETS.WECHAT_SECRET,
  };
  const slowMs = opts.slowMs ?? 10_000;
  const calls: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/sns/jscode2session') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const code = url.searchParams.get('js_code') ?? '';
    calls.push(code);
    const answer = () => {
      if (res.destroyed) return;
      const payload = fakeCode2Session(url.searchParams, expected);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(JSON.stringify(payload));
    };
    if (code === 'test-slow') setTimeout(answer, slowMs).unref();
    else answer();
  });
  const address = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  return { server, ...address, calls, stop: () => closeServer(server) };
}

if (import.meta.main) {
  const port = Number(process.env.WECHAT_FAKE_PORT ?? 4011);
  const fake = await startFakeWeChat({
    port,
    host: process.env.BIND_HOST,
    appid: process.env.WECHAT_APPID,
    secret: process.env.WECHAT_SECRET,
  });
  console.log(`fake WeChat API listening on ${fake.url} (codes: test-<name>)`);
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
