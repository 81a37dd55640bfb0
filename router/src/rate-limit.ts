// Per-user and per-IP request budgets in Redis, shared by every router replica: fixed one-minute
// windows, each counted by a Lua script (loaded once, then run by its SHA), keys
// `rl:ip:{ip:<addr>}` and `rl:user:{u:<id>}` (docs/redis-keys.md). If Redis is unreachable the router
// serves anyway (fail open) and says so in its logs: rate limits protect capacity, not security.
import type { RedisClient } from '@sport-venue/shared';
import { domainError, ErrorCode } from '@sport-venue/shared';

// One budget per call: each key is its own owner (docs/decisions/0012), so on Redis Cluster the two
// budgets of a request may live on different nodes. Both calls are sent at once.
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }
`;

export interface RateLimits {
  perUserPerMinute: number;
  perIpPerMinute: number;
}

interface WithRateLimitCommand {
  /** KEYS[1]: the budget to count; ARGV[1]: window (ms). Returns count, ttl (ms). */
  rateLimitConsume(numKeys: 1, key: string, windowMs: number): Promise<[number, number]>;
}

/** Budget keys, tagged by what they count (an address, a user). */
export const rateLimitKeys = {
  ip: (ip: string) => `rl:ip:{ip:${ip}}`,
  user: (userId: string) => `rl:user:{u:${userId}}`,
};

export function createRateLimiter(redis: RedisClient, limits: RateLimits, windowMs = 60_000) {
  // ioredis runs a defined command with EVALSHA and falls back to EVAL when Redis lacks the script.
  redis.defineCommand('rateLimitConsume', { lua: SCRIPT });
  const client = redis as RedisClient & WithRateLimitCommand;
  return async function consume(who: { userId: string | null; ip: string }) {
    const keys = [rateLimitKeys.ip(who.ip)];
    const caps = [limits.perIpPerMinute];
    if (who.userId) {
      keys.push(rateLimitKeys.user(who.userId));
      caps.push(limits.perUserPerMinute);
    }
    const result = await Promise.all(keys.map((key) => client.rateLimitConsume(1, key, windowMs)));
    for (let i = 0; i < keys.length; i++) {
      const [count, ttl] = result[i]!;
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
