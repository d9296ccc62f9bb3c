-- Entries that end, many to a hash (Redis before 7.4 has no expiry per field): a value is stored as
-- '<value>|<end, ms>', the end on Redis's own clock as a key's TTL would be, and the field '~' holds
-- a time before which no entry of the hash ends. An ended entry counts for nothing; a write that
-- finds '~' an hour past drops every ended entry of the hash, so a hash is read whole about once an
-- hour rather than on every write. A hash lives as long as its longest entry.
--- @include "redis-clock"
local PRUNE_AFTER_MS = 3600000
local EARLIEST = '~'

-- The value and the end (ms) of an entry as stored.
local function splitEnding(entry)
  local value, ends = string.match(entry, '^(.*)|(%d+)$')
  return value, tonumber(ends)
end

-- The value of the entry, or false when there is none or it ended.
local function liveValue(key, field, now)
  local entry = redis.call('HGET', key, field)
  if not entry then return false end
  local value, ends = splitEnding(entry)
  if ends and ends > now then return value end
  return false
end

-- Sets the entry to value for lifetimeMs from now.
local function putEnding(key, field, value, lifetimeMs, now)
  local ends = now + lifetimeMs
  redis.call('HSET', key, field, value .. '|' .. string.format('%d', ends))
  local earliest = tonumber(redis.call('HGET', key, EARLIEST))
  local nextEarliest = earliest
  if earliest and earliest + PRUNE_AFTER_MS <= now then
    nextEarliest = ends
    local flat = redis.call('HGETALL', key)
    for i = 1, #flat, 2 do
      if flat[i] ~= EARLIEST then
        local _, entryEnds = splitEnding(flat[i + 1])
        if entryEnds == nil or entryEnds <= now then
          redis.call('HDEL', key, flat[i])
        elseif entryEnds < nextEarliest then
          nextEarliest = entryEnds
        end
      end
    end
  elseif earliest == nil or ends < earliest then
    nextEarliest = ends
  end
  if nextEarliest ~= earliest then redis.call('HSET', key, EARLIEST, string.format('%d', nextEarliest)) end
  if lifetimeMs > 0 and redis.call('PTTL', key) < lifetimeMs then redis.call('PEXPIRE', key, lifetimeMs) end
end
