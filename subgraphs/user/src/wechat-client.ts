// WeChat `jscode2session`: exchanges the mini-program's one-time login code for the user's openid
// (and unionid when the app is bound to an Open Platform account) and a session_key. WeChat
// answers HTTP 200 with a JSON body whatever happened (and `text/plain` as content type); errors
// are an `errcode` in the body.

export interface WeChatSession {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** errcode -1 also stands for "no usable answer" (timeout, network, non-JSON, HTTP error). */
export class WeChatApiError extends Error {
  readonly errcode: number;
  constructor(errcode: number, message: string) {
    super(`wechat errcode ${errcode}: ${message}`);
    this.errcode = errcode;
  }
}

export const WECHAT_BUSY = -1;

export function parseCode2SessionResponse(body: string): WeChatSession {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new WeChatApiError(WECHAT_BUSY, 'response is not JSON');
  }
  const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
  if (errcode !== 0) throw new WeChatApiError(errcode, String(json.errmsg ?? 'error'));
  const { openid, unionid, session_key: sessionKey } = json;
  if (typeof openid !== 'string' || !openid || typeof sessionKey !== 'string' || !sessionKey) {
    throw new WeChatApiError(WECHAT_BUSY, 'response lacks openid or session_key');
  }
  return { openid, unionid: typeof unionid === 'string' && unionid ? unionid : null, sessionKey };
}

export interface WeChatClientOptions {
  baseUrl: string;
  appid: string;
  secret: string;
  timeoutMs: number;
}

export function createWeChatClient(opts: WeChatClientOptions) {
  return {
    async code2Session(code: string): Promise<WeChatSession> {
      const url = new URL('/sns/jscode2session', opts.baseUrl);
      url.search = new URLSearchParams({
        appid: opts.appid,
        secret: opts.secret,
        js_code: code,
        grant_type: 'authorization_code',
      }).toString();
      let body: string;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs) });
        if (!res.ok) throw new WeChatApiError(WECHAT_BUSY, `HTTP ${res.status}`);
        body = await res.text();
      } catch (err) {
        if (err instanceof WeChatApiError) throw err;
        const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'unreachable';
        throw new WeChatApiError(WECHAT_BUSY, reason);
      }
      return parseCode2SessionResponse(body);
    },
  };
}

export type WeChatClient = ReturnType<typeof createWeChatClient>;
