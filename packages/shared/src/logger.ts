import { pino, type Logger } from 'pino';

export type { Logger };

// Tokens, WeChat identifiers and contact data never reach the logs.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'accessToken',
  'refreshToken',
  'password',
  'secret',
  'sessionKey',
  'session_key',
  'openid',
  'unionid',
  'phone',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.password',
  '*.sessionKey',
  '*.session_key',
  '*.openid',
  '*.unionid',
  '*.phone',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
