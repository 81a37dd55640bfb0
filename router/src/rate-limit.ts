// Per-user and per-IP request budgets in Redis, shared by every router replica: fixed one-minute
// windows, counted in one round trip by a Lua script (loaded once, then run by its SHA), keys
// `rl:ip:{ip}` and `rl:user:{userId}` (docs/redis-keys.md). If Redis is unreachable the router
// serves anyway (fail open) and says so in its logs: rate limits protect capacity, not security.
import type { RedisClient } from '@sport-venue/shared';
import { domainError, ErrorCode } from '@sport-venue/shared';

const SCRIPT = `
local result = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  result[#result + 1] = count
  result[#result + 1] = redis.call('PTTL', key)
end
return result
`;

export interface RateLimits {
  perUserPerMinute: number;
  perIpPerMinute: number;
}

interface WithRateLimitCommand {
  /** KEYS: the budgets to count; ARGV[1]: window (ms). Returns count, ttl (ms) per key. */
  rateLimitConsume(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<number[]>;
}

export function createRateLimiter(redis: RedisClient, limits: RateLimits, windowMs = 60_000) {
  // ioredis runs a defined command with EVALSHA and falls back to EVAL when Redis lacks the script.
  redis.defineCommand('rateLimitConsume', { lua: SCRIPT });
  const client = redis as RedisClient & WithRateLimitCommand;
  return async function consume(who: { userId: string | null; ip: string }) {
    const keys = [`rl:ip:${who.ip}`];
    const caps = [limits.perIpPerMinute];
    if (who.userId) {
      keys.push(`rl:user:${who.userId}`);
      caps.push(limits.perUserPerMinute);
    }
    const result = await client.rateLimitConsume(keys.length, ...keys, windowMs);
    for (let i = 0; i < keys.length; i++) {
      const count = result[i * 2]!;
      const ttl = result[i * 2 + 1]!;
      if (count > caps[i]!) {
        const retryAfterSeconds = Math.max(1, Math.ceil(ttl / 1000));
        const error = domainError(ErrorCode.RATE_LIMITED, 'too many requests; retry later', {
          retryAfterSeconds,
        });
        error.extensions.http = {
          status: 429,
          headers: new Map([['retry-after', String(retryAfterSeconds)]]),
        };
        return error;
      }
    }
    return null;
  };
}
