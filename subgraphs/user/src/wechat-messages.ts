// WeChat subscription messages (订阅消息): `POST /cgi-bin/message/subscribe/send` with an access
// token from `POST /cgi-bin/stable_token`. The stable token is the one WeChat recommends for
// several processes: every replica asking gets the same token until it expires, so replicas never
// invalidate each other's tokens (the older /cgi-bin/token does). Like jscode2session, WeChat
// answers HTTP 200 and reports failures as `errcode`.
import { WeChatApiError, WECHAT_BUSY } from './wechat-client.ts';

/** The user has no quota left for this template (each accept of the request allows one send). */
export const WECHAT_NO_SUBSCRIPTION_QUOTA = 43101;
const TOKEN_INVALID = new Set([40001, 42001, 40014]);

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** Mini-program page opened from the message, e.g. `pages/venue/venue?id=7`. */
  page: string;
  /** Template fields: WeChat limits `thing` to 20 characters, `phrase` to 5. */
  data: Record<string, string>;
}

export interface WeChatMessengerOptions {
  baseUrl: string;
  appid: string;
  secret: string;
  timeoutMs: number;
  /** Which version of the mini-program a tap on the message opens. */
  miniprogramState: 'developer' | 'trial' | 'formal';
}

async function postJson(url: URL, body: unknown, timeoutMs: number): Promise<Record<string, unknown>> {
  let text: string;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new WeChatApiError(WECHAT_BUSY, `HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    if (err instanceof WeChatApiError) throw err;
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'unreachable';
    throw new WeChatApiError(WECHAT_BUSY, reason);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new WeChatApiError(WECHAT_BUSY, 'response is not JSON');
  }
}

function errorOf(json: Record<string, unknown>): WeChatApiError | null {
  const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
  return errcode === 0 ? null : new WeChatApiError(errcode, String(json.errmsg ?? 'error'));
}

export function createWeChatMessenger(opts: WeChatMessengerOptions) {
  let token: { value: string; expiresAt: number } | null = null;
  let fetching: Promise<string> | null = null;

  async function fetchToken(forceRefresh: boolean): Promise<string> {
    const json = await postJson(
      new URL('/cgi-bin/stable_token', opts.baseUrl),
      {
        grant_type: 'client_credential',
        appid: opts.appid,
        secret: opts.secret,
        force_refresh: forceRefresh,
      },
      opts.timeoutMs,
    );
    const error = errorOf(json);
    if (error) throw error;
    if (typeof json.access_token !== 'string' || typeof json.expires_in !== 'number') {
      throw new WeChatApiError(WECHAT_BUSY, 'stable_token answer lacks access_token');
    }
    // Renew a minute early so a token never expires between reading and using it.
    token = { value: json.access_token, expiresAt: Date.now() + (json.expires_in - 60) * 1000 };
    return token.value;
  }

  function accessToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && token && token.expiresAt > Date.now()) return Promise.resolve(token.value);
    fetching ??= fetchToken(forceRefresh).finally(() => (fetching = null));
    return fetching;
  }

  async function sendOnce(message: SubscribeMessage, forceRefresh: boolean) {
    const url = new URL('/cgi-bin/message/subscribe/send', opts.baseUrl);
    url.searchParams.set('access_token', await accessToken(forceRefresh));
    const json = await postJson(
      url,
      {
        touser: message.touser,
        template_id: message.templateId,
        page: message.page,
        miniprogram_state: opts.miniprogramState,
        lang: 'zh_CN',
        data: Object.fromEntries(Object.entries(message.data).map(([k, value]) => [k, { value }])),
      },
      opts.timeoutMs,
    );
    const error = errorOf(json);
    if (error) throw error;
  }

  return {
    /** Sends one message; a rejected token is renewed once. Throws WeChatApiError on failure. */
    async sendSubscribeMessage(message: SubscribeMessage): Promise<void> {
      try {
        await sendOnce(message, false);
      } catch (err) {
        if (!(err instanceof WeChatApiError) || !TOKEN_INVALID.has(err.errcode)) throw err;
        token = null;
        await sendOnce(message, true);
      }
    },
  };
}

export type WeChatMessenger = ReturnType<typeof createWeChatMessenger>;
