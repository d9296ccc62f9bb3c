-- Now on Redis's own clock, ms: what key TTLs count on, for entries that end inside a hash.
local function redisNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
