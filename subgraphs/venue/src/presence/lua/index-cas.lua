-- Compare-and-set on one member of one sharded index ZSET (journal index, expiries): changes the
-- member only if its score is still the one the caller read, so a concurrent writer's newer entry
-- is never removed (docs/decisions/0012).
-- KEYS: 1 index zset. ARGV: 1 member, 2 expected score, 3 new score ('' removes the member).
-- Returns 1 if changed.
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not cur or tonumber(cur) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return 1
