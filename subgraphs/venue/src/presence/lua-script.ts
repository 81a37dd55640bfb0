import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '@sport-venue/shared';

/** A Lua script run by EVALSHA, loaded on first use and again after a Redis restart (NOSCRIPT). */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  constructor(...files: string[]) {
    this.source = files.map((f) => readFileSync(new URL(`./lua/${f}`, import.meta.url), 'utf8')).join('\n');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(redis: RedisClient, keys: string[], args: Array<string | number>): Promise<string> {
    try {
      return (await redis.evalsha(this.sha, keys.length, ...keys, ...args)) as string;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await redis.eval(this.source, keys.length, ...keys, ...args)) as string;
    }
  }
}
