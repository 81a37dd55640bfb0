-- Shared by check-in.lua and check-out.lua (prepended to each): the user step of a presence change
-- (docs/decisions/0012). It touches only the user's `{u:<id>}` keys, all passed in KEYS; the venue
-- side (present-hash, headcount, heat) is applied afterwards by venue-presence.lua, driven by the
-- journal entry the step leaves.

-- On a Redis Cluster the caller registered the user in the journal index ahead of the step (the
-- index is in another slot). A sweep may drop a registration older than the journal grace whose
-- journal is still empty, so a step that waited too long (a stalled process, a command queued through
-- a reconnect) must not write an entry the index no longer leads to: it writes nothing and the caller
-- registers again. The age is read on this node's clock; registration times come from the app hosts'
-- clocks, which must agree with Redis's within `max_age_ms` (half the grace).
local STALE_REGISTRATION = 'STALE'
local function registration_stale(registered_ms, max_age_ms)
  if not registered_ms then return false end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(registered_ms) > tonumber(max_age_ms)
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local out = {}
  for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
  return out
end

-- Ends the session `s` (fields of the user's presence hash) at `ended_at`, on the user's side.
local function end_session(p, s, ended_at, reason, event_id)
  local minutes = math.floor((ended_at - tonumber(s.startedAt)) / 60000)
  if minutes < 0 then minutes = 0 end
  redis.call('DEL', p.session_key)
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
