import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { weChatLoginError } from '../../src/errors.ts';
import { parseCode2SessionResponse, WeChatApiError } from '../../src/wechat-client.ts';
import { fakeCode2Session } from '../../src/wechat-fake.ts';

const expected = { appid: 'wx-app', secret: 's3cret' };
const query = (code: string, overrides: Record<string, string> = {}) =>
  new URLSearchParams({
    appid: 'wx-app',
    secret: 's3cret',
    js_code: code,
    grant_type: 'authorization_code',
    ...overrides,
  });

const errcodeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as WeChatApiError).errcode;
  }
  return undefined;
};

describe('WeChat jscode2session', () => {
  it('reads openid, unionid and session_key from a successful answer', () => {
    assert.deepEqual(parseCode2SessionResponse('{"session_key":"k==","openid":"o1","unionid":"u1"}'), {
      openid: 'o1',
      unionid: 'u1',
      sessionKey: 'k==',
    });
    assert.equal(parseCode2SessionResponse('{"session_key":"k","openid":"o1","errcode":0}').unionid, null);
  });

  it('turns errcodes, malformed bodies and missing fields into WeChatApiError', () => {
    assert.equal(
      errcodeOf(() => parseCode2SessionResponse('{"errcode":40029,"errmsg":"invalid code"}')),
      40029,
    );
    assert.equal(
      errcodeOf(() => parseCode2SessionResponse('<html>502</html>')),
      -1,
    );
    assert.equal(
      errcodeOf(() => parseCode2SessionResponse('{"openid":"o1"}')),
      -1,
    );
  });

  it('maps WeChat errcodes to stable error codes', () => {
    const code = (errcode: number) => weChatLoginError(new WeChatApiError(errcode, 'x')).extensions.code;
    assert.equal(code(40029), 'INVALID_WECHAT_CODE');
    assert.equal(code(40163), 'INVALID_WECHAT_CODE');
    assert.equal(code(45011), 'WECHAT_RATE_LIMITED');
    assert.equal(code(40226), 'WECHAT_USER_BLOCKED');
    assert.equal(code(-1), 'WECHAT_UNAVAILABLE');
    assert.equal(code(40013), 'WECHAT_UNAVAILABLE'); // our own misconfiguration: nothing the user can fix
  });

  it('the fake logs in test-<name> as o-test-<name> and answers the documented errors', () => {
    const ok = fakeCode2Session(query('test-alice'), expected);
    assert.equal(ok.openid, 'o-test-alice');
    assert.equal(ok.unionid, 'u-test-alice');
    assert.equal(Buffer.from(String(ok.session_key), 'base64').length, 16);
    const errcode = (q: URLSearchParams) => fakeCode2Session(q, expected).errcode;
    assert.equal(errcode(query('test-invalid')), 40029);
    assert.equal(errcode(query('0a1b2c3d4e')), 40029);
    assert.equal(errcode(query('test-ratelimited')), 45011);
    assert.equal(errcode(query('test-blocked')), 40226);
    assert.equal(errcode(query('test-busy')), -1);
    assert.equal(errcode(query('test-a', { appid: 'other' })), 40013);
    assert.equal(errcode(query('test-a', { secret: 'wrong' })), 40125);
    assert.equal(errcode(query('')), 41008);
  });
});
