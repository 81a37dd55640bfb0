-- Shared by check-in.lua and check-out.lua (prepended to each). Key names of other venues are
-- built here because a superseded session's venue is only known inside the script; they must
-- match packages/shared/src/keys.ts (venue:{id}:current) and src/presence-keys.ts.

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local out = {}
  for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
  return out
end

local function venue_current_key(venue_id) return 'venue:' .. venue_id .. ':current' end
local function venue_present_key(venue_id) return 'venue:' .. venue_id .. ':present' end
local function venue_seq_key(venue_id) return 'venue:' .. venue_id .. ':seq' end

-- Ends the session `s` (fields of the user's presence hash) at `ended_at`. The headcount moves
-- only when the user really leaves the venue's present-set, so it is exact and never negative.
local function end_session(p, s, ended_at, reason, event_id)
  local minutes = math.floor((ended_at - tonumber(s.startedAt)) / 60000)
  if minutes < 0 then minutes = 0 end
  local current_key = venue_current_key(s.venueId)
  if redis.call('SREM', venue_present_key(s.venueId), p.user_id) == 1 then
    if tonumber(redis.call('GET', current_key) or '0') > 0 then
      redis.call('DECR', current_key)
    else
      redis.call('SET', current_key, 0)
    end
  end
  redis.call('ZREM', p.expiries_key, p.user_id)
  redis.call('DEL', p.session_key)
  if minutes > 0 then
    redis.call('HINCRBY', p.stats_key, p.minutes_week_field, minutes)
    redis.call('HINCRBY', p.stats_key, p.minutes_month_field, minutes)
  end
  local ended = {
    sessionId = s.sid,
    eventId = event_id,
    userId = p.user_id,
    venueId = s.venueId,
    cityCode = s.cityCode,
    source = s.source,
    counted = s.counted == '1',
    startedAt = tonumber(s.startedAt),
    expiresAt = tonumber(s.expiresAt),
    endedAt = ended_at,
    minutes = minutes,
    reason = reason,
    recordedAt = p.now,
    count = tonumber(redis.call('GET', current_key) or '0'),
    seq = redis.call('INCR', venue_seq_key(s.venueId)),
  }
  redis.call('HSET', p.last_key, 'ended', cjson.encode(ended))
  return ended
end

local function rate_limited(p)
  local used = tonumber(redis.call('GET', p.rate_key) or '0')
  if used >= p.rate_limit then
    return { ok = false, code = 'RATE_LIMITED', retryAfterMs = p.rate_reset_ms }
  end
  return nil
end

local function count_rate(p)
  redis.call('INCR', p.rate_key)
  redis.call('PEXPIRE', p.rate_key, p.rate_ttl_ms)
end
