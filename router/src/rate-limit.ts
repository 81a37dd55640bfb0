// Per-user and per-IP request budgets in Redis, shared by every router replica: fixed one-minute
// windows, each counted by a Lua script (loaded once, then run by its SHA), keys
// `rl:ip:{ip:<addr>}` and `rl:user:{u:<id>}` (docs/redis-keys.md). If Redis is unreachable the router
// serves anyway (fail open) and says so in its logs: rate limits protect capacity, not security.
import type { RedisClient } from '@sport-venue/shared';
import { domainError, ErrorCode, isCluster } from '@sport-venue/shared';

// Each key is its own owner (docs/decisions/0012): on Redis Cluster the two budgets of a request
// may live on different nodes, so each is counted by its own call (both sent at once). On a single
// node one call counts both (KEYS[1..n]): half the commands, one reply. Either way every budget of
// the request is incremented exactly once.
const SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  out[#out + 1] = count
  out[#out + 1] = redis.call('PTTL', key)
end
return out
`;

export interface RateLimits {
  perUserPerMinute: number;
  perIpPerMinute: number;
}

interface WithRateLimitCommand {
  /** KEYS: the budgets to count; ARGV[1]: window (ms). Returns count, ttl (ms) per key, flat. */
  rateLimitConsume(numKeys: number, ...args: Array<string | number>): Promise<number[]>;
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
  const oneCall = !isCluster(redis);
  const count = async (keys: string[]): Promise<number[]> =>
    oneCall
      ? client.rateLimitConsume(keys.length, ...keys, windowMs)
      : (await Promise.all(keys.map((key) => client.rateLimitConsume(1, key, windowMs)))).flat();
  return async function consume(who: { userId: string | null; ip: string }) {
    const keys = [rateLimitKeys.ip(who.ip)];
    const caps = [limits.perIpPerMinute];
    if (who.userId) {
      keys.push(rateLimitKeys.user(who.userId));
      caps.push(limits.perUserPerMinute);
    }
    const result = await count(keys);
    for (let i = 0; i < keys.length; i++) {
      const count = result[2 * i]!;
      const ttl = result[2 * i + 1]!;
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
