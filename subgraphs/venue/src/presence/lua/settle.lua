-- Settles persisted changes (docs/decisions/0031): forgets their journal entries and returns how
-- many the user's journal still holds. On a single Redis node (KEYS 2 given) an empty journal also
-- drops the user's journal-index entry unless someone registered since (the compare-and-delete of
-- index-cas.lua); on a cluster the index lives in another slot and the caller does that itself.
-- KEYS: 1 user journal hash, [2 journal index zset]. ARGV: 1 user id, 2 index version, 3.. batch ids.
-- Returns the journal's remaining entries.
if #ARGV > 2 then redis.call('HDEL', KEYS[1], unpack(ARGV, 3)) end
local left = redis.call('HLEN', KEYS[1])
if left == 0 and KEYS[2] then
  local cur = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if cur and tonumber(cur) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[2], ARGV[1]) end
end
return left
