-- The user step of a check-out: EXPLICIT (the user, at one venue) or AUTO (the sweeper, once the
-- session's expiry has passed). A session found expired by an explicit check-out ends AUTO at its
-- expiry, so minutes never exceed the typical stay. Only `{u:<id>}` keys (docs/decisions/0012).
--
-- KEYS: 1 user presence hash, 2 user last-check-in hash, 3 user journal hash, 4 rate counter
-- ARGV: 1 userId, 2 venueId ('' for AUTO), 3 now ms, 4 mode EXPLICIT|AUTO, 5 check-out event id,
--   6 rate limit, 7 rate reset in ms, 8 rate ttl ms, 9 replay window ms, 10 journal wall-clock ms,
--   11 batch id
-- On a single Redis node (docs/decisions/0031) also KEYS 5 journal index zset, ARGV 12 index version:
-- the user is registered in the journal index with the journal entry, atomically. On a cluster ARGV 12
-- is the caller's registration time in ms and ARGV 13 the age past which the step writes nothing
-- ('STALE': register again).
-- AUTO answers NOT_DUE with the session's real expiry (if any) so the sweeper can fix its index.

local p = {
  user_id = ARGV[1],
  now = tonumber(ARGV[3]),
  session_key = KEYS[1],
  last_key = KEYS[2],
  rate_key = KEYS[4],
  rate_limit = tonumber(ARGV[6]),
  rate_reset_ms = tonumber(ARGV[7]),
  rate_ttl_ms = tonumber(ARGV[8]),
}
local mode = ARGV[4]
if not KEYS[5] and registration_stale(ARGV[12], ARGV[13]) then return STALE_REGISTRATION end
local s = hgetall(KEYS[1])
local closed

if mode == 'AUTO' then
  if not s.sid then return cjson.encode({ ok = false, code = 'NOT_DUE' }) end
  if tonumber(s.expiresAt) > p.now then
    return cjson.encode({ ok = false, code = 'NOT_DUE', expiresAt = tonumber(s.expiresAt) })
  end
  closed = end_session(p, s, tonumber(s.expiresAt), 'AUTO', ARGV[5])
else
  if not s.sid or s.venueId ~= ARGV[2] then
    local ended = redis.call('HGET', KEYS[2], 'ended')
    if ended then
      local e = cjson.decode(ended)
      if e.venueId == ARGV[2] and p.now - e.recordedAt <= tonumber(ARGV[9]) and p.now >= e.recordedAt then
        return cjson.encode({ ok = true, replayed = true, closed = e })
      end
    end
    return cjson.encode({ ok = false, code = 'NOT_CHECKED_IN' })
  end
  if tonumber(s.expiresAt) <= p.now then
    closed = end_session(p, s, tonumber(s.expiresAt), 'AUTO', ARGV[5])
  else
    local limited = rate_limited(p)
    if limited then return cjson.encode(limited) end
    closed = end_session(p, s, p.now, 'EXPLICIT', ARGV[5])
    count_rate(p)
  end
end

local result = { ok = true, batchId = ARGV[11], journalAt = tonumber(ARGV[10]), closed = closed }
local encoded = cjson.encode(result)
if KEYS[5] then redis.call('ZADD', KEYS[5], ARGV[12], p.user_id) end
redis.call('HSET', KEYS[3], ARGV[11], encoded)
return encoded
