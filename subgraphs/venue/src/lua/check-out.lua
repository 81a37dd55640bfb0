-- One atomic check-out: EXPLICIT (the user, at one venue) or AUTO (the sweeper, once the
-- session's expiry has passed). A session found expired by an explicit check-out ends AUTO at its
-- expiry, so minutes never exceed the typical stay.
--
-- KEYS: 1 user presence hash, 2 user last-check-in hash, 3 expiries zset, 4 journal hash,
--   5 user stats, 6 rate counter
-- ARGV: 1 userId, 2 venueId ('' for AUTO), 3 now ms, 4 mode EXPLICIT|AUTO, 5 check-out event id,
--   6 minutes week field, 7 minutes month field, 8 rate limit, 9 rate reset in ms, 10 rate ttl ms,
--   11 replay window ms, 12 journal wall-clock ms, 13 batch id

local p = {
  user_id = ARGV[1],
  now = tonumber(ARGV[3]),
  session_key = KEYS[1],
  last_key = KEYS[2],
  expiries_key = KEYS[3],
  stats_key = KEYS[5],
  rate_key = KEYS[6],
  rate_limit = tonumber(ARGV[8]),
  rate_reset_ms = tonumber(ARGV[9]),
  rate_ttl_ms = tonumber(ARGV[10]),
  minutes_week_field = ARGV[6],
  minutes_month_field = ARGV[7],
}
local mode = ARGV[4]
local s = hgetall(KEYS[1])
local closed

if mode == 'AUTO' then
  if not s.sid then
    redis.call('ZREM', KEYS[3], p.user_id)
    return cjson.encode({ ok = false, code = 'NOT_DUE' })
  end
  if tonumber(s.expiresAt) > p.now then return cjson.encode({ ok = false, code = 'NOT_DUE' }) end
  closed = end_session(p, s, tonumber(s.expiresAt), 'AUTO', ARGV[5])
else
  if not s.sid or s.venueId ~= ARGV[2] then
    local ended = redis.call('HGET', KEYS[2], 'ended')
    if ended then
      local e = cjson.decode(ended)
      if e.venueId == ARGV[2] and p.now - e.recordedAt <= tonumber(ARGV[11]) and p.now >= e.recordedAt then
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

local result = { ok = true, batchId = ARGV[13], journalAt = tonumber(ARGV[12]), closed = closed }
local encoded = cjson.encode(result)
redis.call('HSET', KEYS[4], ARGV[13], encoded)
return encoded
