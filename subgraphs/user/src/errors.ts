// `extensions.code` values of the user subgraph, beyond the shared ones. Clients switch on them:
// add, never rename.
import { domainError, ErrorCode } from '@sport-venue/shared';
import type { RefreshFailure } from './refresh-tokens.ts';
import type { WeChatApiError } from './wechat-client.ts';

export const UserErrorCode = {
  INVALID_WECHAT_CODE: 'INVALID_WECHAT_CODE',
  WECHAT_RATE_LIMITED: 'WECHAT_RATE_LIMITED',
  WECHAT_USER_BLOCKED: 'WECHAT_USER_BLOCKED',
  WECHAT_UNAVAILABLE: 'WECHAT_UNAVAILABLE',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  CONTENT_REJECTED: 'CONTENT_REJECTED',
  CONTENT_UNDER_REVIEW: 'CONTENT_UNDER_REVIEW',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  TOO_MANY_QUIET_ALERTS: 'TOO_MANY_QUIET_ALERTS',
} as const;

/** WeChat errcode → our code. Codes not listed are our own misconfiguration or WeChat trouble. */
export function weChatLoginError(err: WeChatApiError) {
  switch (err.errcode) {
    case 40029: // invalid code
    case 40163: // code been used
      return domainError(UserErrorCode.INVALID_WECHAT_CODE, 'the WeChat login code is invalid or was used');
    case 45011:
      return domainError(UserErrorCode.WECHAT_RATE_LIMITED, 'too many WeChat logins; retry in a minute', {
        retryAfterSeconds: 60,
      });
    case 40226:
      return domainError(UserErrorCode.WECHAT_USER_BLOCKED, 'WeChat blocked this account as high risk');
    default:
      return domainError(UserErrorCode.WECHAT_UNAVAILABLE, 'WeChat login is unavailable; retry shortly');
  }
}

/** Every refresh failure means "log in again"; `reason` says why, for logs and support. */
export function refreshError(failure: RefreshFailure) {
  return domainError(ErrorCode.UNAUTHENTICATED, 'refresh token is not valid; log in again', {
    reason: `REFRESH_TOKEN_${failure}`,
  });
}

export const invalidCredentials = () =>
  domainError(UserErrorCode.INVALID_CREDENTIALS, 'wrong login or password');

export const accountLocked = (until: Date, now = Date.now()) =>
  domainError(UserErrorCode.ACCOUNT_LOCKED, 'too many failed logins; account temporarily locked', {
    retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now) / 1000)),
  });
