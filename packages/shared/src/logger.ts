import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './log-context.ts';

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

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines for machines (files, collectors, CI) and in production; readable lines for a person
 * at a terminal. LOG_FORMAT forces either (`npm start` sets `pretty` for its children when its own
 * output is a terminal, since theirs is a pipe).
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stdout.isTTY),
): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

/**
 * pino-pretty is a development dependency: loaded only when asked for, so production images
 * (installed without dev dependencies) never need it. Synchronous, so lines keep their order with
 * everything else the process prints.
 */
function prettyStream(): DestinationStream {
  const require = createRequire(import.meta.url);
  const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pretty({
    sync: true,
    // FORCE_COLOR: `npm start` pipes its children's output to a terminal they cannot see.
    colorize: process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,service',
    singleLine: true,
  });
}

/** Each line of a request (or consumed message) names it: see log-context.ts. */
function requestFields() {
  const context = currentLogContext();
  if (!context) return {};
  return context.requestId
    ? { traceId: context.traceId, requestId: context.requestId }
    : { traceId: context.traceId };
}

export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? 'info',
  format: LogFormat = logFormat(),
  destination?: DestinationStream,
): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: requestFields,
  };
  if (destination) return pino(options, destination);
  return format === 'pretty' ? pino(options, prettyStream()) : pino(options);
}
