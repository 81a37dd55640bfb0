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
// Subscription messages: `POST /cgi-bin/stable_token` hands out an access token, `POST
// /cgi-bin/message/subscribe/send` checks it and records the message (`messages`; also readable
// at `GET /__fake/messages` when the fake runs as its own process). An openid `o-test-refuse…` has
// no quota (43101), a `thing` field over 20 characters is 47003, an unknown token 40001.
//
// Run alone: `node subgraphs/user/src/wechat-fake.ts` (WECHAT_FAKE_PORT, default 4011; BIND_HOST). It is a
// separate server on purpose: production has no code path that bypasses WeChat.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** A subscription message as the fake received it. */
export interface FakeSubscribeMessage {
  touser: string;
  template_id: string;
  page: string;
  miniprogram_state?: string;
  data: Record<string, { value: string }>;
  receivedAt: string;
}

export interface FakeWeChat {
  server: Server;
  url: string;
  port: number;
  /** Codes received, in order (tests assert what reached "WeChat"). */
  calls: string[];
  /** Subscription messages accepted, in order. */
  messages: FakeSubscribeMessage[];
  /** Subscription messages refused, with the errcode they got. */
  refusals: Array<{ touser: unknown; errcode: number }>;
  /** Access tokens handed out by stable_token. */
  tokens: Set<string>;
  stop(): Promise<void>;
}

/** The subscribe/send answer for one request (the message is recorded by the caller when errcode is 0). */
export function fakeSubscribeSend(
  token: string | null,
  body: Partial<FakeSubscribeMessage>,
  tokens: Set<string>,
): { errcode: number; errmsg: string; msgid?: number } {
  if (!token || !tokens.has(token))
    return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid' };
  if (typeof body.touser !== 'string' || !body.touser.startsWith('o-test-'))
    return { errcode: 40003, errmsg: 'invalid openid' };
  if (typeof body.template_id !== 'string' || !body.template_id)
    return { errcode: 40037, errmsg: 'invalid template_id' };
  if (body.touser.startsWith('o-test-refuse'))
    return { errcode: 43101, errmsg: 'user refuse to accept the msg' };
  for (const [key, field] of Object.entries(body.data ?? {})) {
    const value = field?.value;
    if (typeof value !== 'string' || (key.startsWith('thing') && [...value].length > 20))
      return { errcode: 47003, errmsg: `argument invalid! data.${key}.value` };
  }
  return { errcode: 0, errmsg: 'ok', msgid: Math.floor(Math.random() * 2 ** 40) };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function startFakeWeChat(opts: FakeWeChatOptions = {}): Promise<FakeWeChat> {
  const expected = {
    appid: opts.appid ?? DEV_SECRETS.WECHAT_APPID,
    secret: opts.secret ?? DEV_SECRETS.WECHAT_SECRET,
  };
  const slowMs = opts.slowMs ?? 10_000;
  const calls: string[] = [];
  const messages: FakeSubscribeMessage[] = [];
  const refusals: Array<{ touser: unknown; errcode: number }> = [];
  const tokens = new Set<string>();
  let currentToken: string | null = null;
  const answerJson = (res: ServerResponse, payload: unknown) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__fake/messages') {
      answerJson(res, messages);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
      void readBody(req).then((body) => {
        if (body.appid !== expected.appid)
          return answerJson(res, { errcode: 40013, errmsg: 'invalid appid' });
        if (body.secret !== expected.secret)
          return answerJson(res, { errcode: 40125, errmsg: 'invalid appsecret' });
        if (!currentToken || body.force_refresh === true) {
          currentToken = `fake-token-${randomBytes(8).toString('hex')}`;
          tokens.add(currentToken);
        }
        answerJson(res, { access_token: currentToken, expires_in: 7200 });
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/subscribe/send') {
      void readBody(req).then((body) => {
        const message = body as Partial<FakeSubscribeMessage>;
        const answer = fakeSubscribeSend(url.searchParams.get('access_token'), message, tokens);
        if (answer.errcode !== 0) refusals.push({ touser: message.touser, errcode: answer.errcode });
        else messages.push({ ...(message as FakeSubscribeMessage), receivedAt: new Date().toISOString() });
        answerJson(res, answer);
      });
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
  return { server, ...address, calls, messages, refusals, tokens, stop: () => closeServer(server) };
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
