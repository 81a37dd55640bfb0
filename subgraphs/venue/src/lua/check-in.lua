-- One atomic check-in: idempotency, the one-session-per-user rule, rate limit, travel speed,
-- then every live structure at once (headcounts, present-sets, expiries, stats, heat) plus a
-- journal entry that stays until the database holds the session and its outbox event.
--
-- KEYS: 1 user presence hash, 2 user last-check-in hash, 3 venue current, 4 venue present-set,
--   5 expiries zset, 6 journal hash, 7 counted marker, 8 idempotency key, 9 rate counter,
--   10 heat day set, 11 heat rank (all), 12 heat rank (city), 13 user stats, 14 venue seq
-- ARGV: 1 userId, 2 venueId, 3 cityCode, 4 now ms, 5 sessionId, 6 expiresAt ms,
--   7 counted window ms, 8 rate limit, 9 rate reset in ms, 10 rate ttl ms, 11 venue lat,
--   12 venue lng, 13 max speed km/h, 14 travel slack m, 15 heat weight, 16 checkins week field,
--   17 checkins month field, 18 minutes week field, 19 minutes month field, 20 check-in event id,
--   21 superseded check-out event id, 22 source, 23 idempotency ttl ms, 24 journal wall-clock ms,
--   25 heat day ttl ms
-- Returns 'R' .. stored result (idempotent replay) or 'N' .. result JSON.

local p = {
  user_id = ARGV[1],
  now = tonumber(ARGV[4]),
  session_key = KEYS[1],
  last_key = KEYS[2],
  expiries_key = KEYS[5],
  stats_key = KEYS[13],
  rate_key = KEYS[9],
  rate_limit = tonumber(ARGV[8]),
  rate_reset_ms = tonumber(ARGV[9]),
  rate_ttl_ms = tonumber(ARGV[10]),
  minutes_week_field = ARGV[18],
  minutes_month_field = ARGV[19],
}
local venue_id = ARGV[2]

local stored = redis.call('GET', KEYS[8])
if stored then return 'R' .. stored end

local s = hgetall(KEYS[1])
local has_session = s.sid ~= nil
local expired = has_session and tonumber(s.expiresAt) <= p.now
if has_session and not expired and s.venueId == venue_id then
  return 'N' .. cjson.encode({ ok = false, code = 'ALREADY_CHECKED_IN', sessionId = s.sid })
end

local limited = rate_limited(p)
if limited then return 'N' .. cjson.encode(limited) end

local last = hgetall(KEYS[2])
if last.lat then
  local lat1, lng1 = math.rad(tonumber(last.lat)), math.rad(tonumber(last.lng))
  local lat2, lng2 = math.rad(tonumber(ARGV[11])), math.rad(tonumber(ARGV[12]))
  local h = math.sin((lat2 - lat1) / 2) ^ 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ^ 2
  local distance = 2 * 6371008.8 * math.asin(math.min(1, math.sqrt(h)))
  if distance > tonumber(ARGV[14]) then
    local hours = (p.now - tonumber(last.at)) / 3600000
    if hours <= 0 or (distance / 1000) / hours > tonumber(ARGV[13]) then
      return 'N' .. cjson.encode({ ok = false, code = 'IMPLAUSIBLE_TRAVEL', distanceM = math.floor(distance) })
    end
  end
end

-- Every rule passed: from here on the script only writes.
local result = { ok = true, batchId = ARGV[5], journalAt = tonumber(ARGV[24]) }
if has_session then
  if expired then
    result.closed = end_session(p, s, tonumber(s.expiresAt), 'AUTO', ARGV[21])
  else
    result.closed = end_session(p, s, p.now, 'SUPERSEDED', ARGV[21])
  end
end

local counted = false
local last_counted = redis.call('GET', KEYS[7])
if not last_counted or p.now - tonumber(last_counted) >= tonumber(ARGV[7]) then
  counted = true
  redis.call('SET', KEYS[7], p.now, 'PX', tonumber(ARGV[7]) + 86400000)
end

redis.call('HSET', KEYS[1], 'sid', ARGV[5], 'venueId', venue_id, 'cityCode', ARGV[3], 'startedAt', p.now,
  'expiresAt', ARGV[6], 'counted', counted and '1' or '0', 'source', ARGV[22])
redis.call('ZADD', KEYS[5], ARGV[6], p.user_id)
if redis.call('SADD', KEYS[4], p.user_id) == 1 then redis.call('INCR', KEYS[3]) end
if counted then
  redis.call('HINCRBY', KEYS[13], ARGV[16], 1)
  redis.call('HINCRBY', KEYS[13], ARGV[17], 1)
end
-- Heat counts distinct users per venue and local day, so one person cannot pump a venue.
if redis.call('SADD', KEYS[10], p.user_id) == 1 then
  redis.call('ZINCRBY', KEYS[11], ARGV[15], venue_id)
  redis.call('ZINCRBY', KEYS[12], ARGV[15], venue_id)
end
redis.call('PEXPIRE', KEYS[10], tonumber(ARGV[25]))
redis.call('HSET', KEYS[2], 'lat', ARGV[11], 'lng', ARGV[12], 'at', p.now)
count_rate(p)

result.opened = {
  sessionId = ARGV[5],
  eventId = ARGV[20],
  userId = p.user_id,
  venueId = venue_id,
  cityCode = ARGV[3],
  source = ARGV[22],
  counted = counted,
  startedAt = p.now,
  expiresAt = tonumber(ARGV[6]),
  count = tonumber(redis.call('GET', KEYS[3])),
  seq = redis.call('INCR', KEYS[14]),
}
local encoded = cjson.encode(result)
redis.call('SET', KEYS[8], encoded, 'PX', tonumber(ARGV[23]))
redis.call('HSET', KEYS[6], ARGV[5], encoded)
return 'N' .. encoded
