-- The venue step of a presence change (docs/decisions/0012): one session's effect on one venue,
-- only `{v:<id>}` keys. Idempotent by state, so the request and the journal sweeper may both run
-- it, in any order relative to the venue's other steps:
-- - the present-hash maps user → 'startedAt|sessionId' of the session that made them present;
-- - OPEN of a session already closed here (ended set), or older than the one recorded, is a no-op;
-- - CLOSE removes the user only if the recorded session is the one being closed;
-- - the headcount is HLEN of the present-hash, so it is exact and never negative.
--
-- KEYS: 1 present hash, 2 current count, 3 seq, 4 ended zset, 5 heat day set, 6 heat score (ZSET,
--   member 'score': ZINCRBY adds in doubles exactly as the rankings do)
-- ARGV: 1 OPEN|CLOSE, 2 userId, 3 sessionId, 4 session startedAt ms, 5 now ms (wall clock),
--   6 heat weight (OPEN), 7 heat day ttl ms (OPEN)
-- Returns JSON { changed, count, seq, heat }.

local op, user_id, sid, started = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = tonumber(ARGV[5])
local changed = false

local function recorded()
  local value = redis.call('HGET', KEYS[1], user_id)
  if not value then return nil end
  local bar = string.find(value, '|', 1, true)
  return { started = tonumber(string.sub(value, 1, bar - 1)), sid = string.sub(value, bar + 1) }
end

if op == 'OPEN' then
  if not redis.call('ZSCORE', KEYS[4], sid) then
    local cur = recorded()
    if not cur then
      redis.call('HSET', KEYS[1], user_id, started .. '|' .. sid)
      changed = true
    elseif cur.sid ~= sid and cur.started < started then
      -- The user's previous session here was never closed on this side yet: the newer one wins,
      -- the user stays counted once.
      redis.call('HSET', KEYS[1], user_id, started .. '|' .. sid)
    end
  end
  -- Heat counts distinct users per venue and local day, so one person cannot pump a venue.
  if redis.call('SADD', KEYS[5], user_id) == 1 then
    redis.call('ZINCRBY', KEYS[6], ARGV[6], 'score')
  end
  redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[7]))
else
  redis.call('ZADD', KEYS[4], now, sid)
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 86400000)
  local cur = recorded()
  if cur and cur.sid == sid then
    redis.call('HDEL', KEYS[1], user_id)
    changed = true
  end
end

local count = redis.call('HLEN', KEYS[1])
local seq
if changed then
  redis.call('SET', KEYS[2], count)
  seq = redis.call('INCR', KEYS[3])
else
  seq = tonumber(redis.call('GET', KEYS[3]) or '0')
end
return cjson.encode({ changed = changed, count = count, seq = seq, heat = redis.call('ZSCORE', KEYS[6], 'score') or '0' })
