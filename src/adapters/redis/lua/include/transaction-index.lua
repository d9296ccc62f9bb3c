-- The transaction index: the claim of each transactionId's request, spread over the hashes
-- <ns>:txns:<part> (1,024 parts, chosen by the transactionId; see redis-keys.ts) instead of a key
-- per transaction, so an entry costs ~50 bytes of a compact listpack rather than ~200 for a key.
--   '<transactionId>' -> '<end, ms>|<claim>', the claim being '<phone>', '<phone>|cancelled' (a
--                        cancellation came first) or '!cancelled' (a cancellation, no request yet)
--   '~'               -> no entry of the part ends before this (ms)
-- An entry counts until its end on Redis's own clock, as the key it replaces did with its TTL. An
-- ended entry is dropped by a write that finds '~' an hour past (so a part is read whole about once
-- an hour, not on every write), and a part lives as long as its longest entry.
--- @include "redis-clock"
local PRUNE_AFTER_MS = 3600000
local EARLIEST = '~'

-- The claim of txn, or false when it has none or it ended.
local function liveClaim(part, txn, now)
  local entry = redis.call('HGET', part, txn)
  if not entry then return false end
  local ends, claim = string.match(entry, '^(%d+)|(.*)$')
  if tonumber(ends) > now then return claim end
  return false
end

-- Records txn's claim for lifetimeMs from now.
local function putClaim(part, txn, claim, lifetimeMs, now)
  local ends = now + lifetimeMs
  redis.call('HSET', part, txn, string.format('%d', ends) .. '|' .. claim)
  local earliest = tonumber(redis.call('HGET', part, EARLIEST))
  local nextEarliest = earliest
  if earliest and earliest + PRUNE_AFTER_MS <= now then
    nextEarliest = ends
    local flat = redis.call('HGETALL', part)
    for i = 1, #flat, 2 do
      if flat[i] ~= EARLIEST then
        local entryEnds = tonumber(string.match(flat[i + 1], '^(%d+)|'))
        if entryEnds <= now then
          redis.call('HDEL', part, flat[i])
        elseif entryEnds < nextEarliest then
          nextEarliest = entryEnds
        end
      end
    end
  elseif earliest == nil or ends < earliest then
    nextEarliest = ends
  end
  if nextEarliest ~= earliest then redis.call('HSET', part, EARLIEST, string.format('%d', nextEarliest)) end
  if redis.call('PTTL', part) < lifetimeMs then redis.call('PEXPIRE', part, lifetimeMs) end
end
