-- The user step of a check-in: idempotency, the one-session-per-user rule, rate limit, travel
-- speed and the counting window, then the user's session and a journal entry that stays until the
-- venues and the database hold the change (docs/decisions/0006, 0012). Only `{u:<id>}` keys.
--
-- KEYS: 1 user presence hash, 2 user last-check-in hash, 3 counted marker, 4 idempotency key,
--   5 rate counter, 6 user journal hash
-- ARGV: 1 userId, 2 venueId, 3 cityCode, 4 now ms, 5 sessionId, 6 expiresAt ms,
--   7 counted window ms, 8 rate limit, 9 rate reset in ms, 10 rate ttl ms, 11 venue lat,
--   12 venue lng, 13 max speed km/h, 14 travel slack m, 15 check-in event id,
--   16 superseded check-out event id, 17 source, 18 idempotency ttl ms, 19 journal wall-clock ms,
--   20 venue-local heat date, 21 heat weight
-- On a single Redis node (docs/decisions/0031) also KEYS 7 journal index zset, ARGV 22 index
-- version: the user is registered in the journal index with the journal entry, atomically (on a
-- cluster the index lives in another slot and the caller registers ahead, in its own call; then
-- ARGV 22 is that registration's time in ms and ARGV 23 the age past which the step writes nothing).
-- Returns 'R' .. stored result (idempotent replay), 'STALE' (register again) or 'N' .. result JSON.

local p = {
  user_id = ARGV[1],
  now = tonumber(ARGV[4]),
  session_key = KEYS[1],
  last_key = KEYS[2],
  rate_key = KEYS[5],
  rate_limit = tonumber(ARGV[8]),
  rate_reset_ms = tonumber(ARGV[9]),
  rate_ttl_ms = tonumber(ARGV[10]),
}
local venue_id = ARGV[2]

local stored = redis.call('GET', KEYS[4])
if stored then return 'R' .. stored end
if not KEYS[7] and registration_stale(ARGV[22], ARGV[23]) then return STALE_REGISTRATION end

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
local result = { ok = true, batchId = ARGV[5], journalAt = tonumber(ARGV[19]) }
if has_session then
  if expired then
    result.closed = end_session(p, s, tonumber(s.expiresAt), 'AUTO', ARGV[16])
  else
    result.closed = end_session(p, s, p.now, 'SUPERSEDED', ARGV[16])
  end
end

local counted = false
local last_counted = redis.call('GET', KEYS[3])
if not last_counted or p.now - tonumber(last_counted) >= tonumber(ARGV[7]) then
  counted = true
  redis.call('SET', KEYS[3], p.now, 'PX', tonumber(ARGV[7]) + 86400000)
end

redis.call('HSET', KEYS[1], 'sid', ARGV[5], 'venueId', venue_id, 'cityCode', ARGV[3], 'startedAt', p.now,
  'expiresAt', ARGV[6], 'counted', counted and '1' or '0', 'source', ARGV[17])
redis.call('HSET', KEYS[2], 'lat', ARGV[11], 'lng', ARGV[12], 'at', p.now)
count_rate(p)

result.opened = {
  sessionId = ARGV[5],
  eventId = ARGV[15],
  userId = p.user_id,
  venueId = venue_id,
  cityCode = ARGV[3],
  source = ARGV[17],
  counted = counted,
  startedAt = p.now,
  expiresAt = tonumber(ARGV[6]),
  heatDate = ARGV[20],
  heatWeight = ARGV[21], -- a string: cjson would round the number to 14 digits
}
local encoded = cjson.encode(result)
redis.call('SET', KEYS[4], encoded, 'PX', tonumber(ARGV[18]))
if KEYS[7] then redis.call('ZADD', KEYS[7], ARGV[22], p.user_id) end
redis.call('HSET', KEYS[6], ARGV[5], encoded)
return 'N' .. encoded
