-- The phone's index: one hash per phone, <ns>:{bucket}:<phone>:ix, holding
--   'o:<transactionId>' -> reference code ('' for none), for each open verification: it counts
--                          while the verification exists, and an entry whose verification is gone is
--                          dropped when the phone's next verification is created;
--   'm:<messageId>'     -> '<transactionId>|<end, ms>', for each text sent about a verification (a
--                          reply names it in previousPublishedMessageId, a delivery event in
--                          messageId). It counts for TEXT_INDEX_MS after the text, on Redis's own
--                          clock, as the one key per text it replaces did with its TTL (a day past
--                          the longest reply window, for late replies); an ended entry is dropped
--                          when the phone's next text is indexed.
-- Redis before 7.4 has no expiry per field, so the hash lives until its longest entry ends.
-- The layout before the index (<phone>:open and <phone>:m:<messageId>, in the same slot) is still
-- read and cleaned, so verifications opened by an earlier release are answered through an upgrade.
--- @include "redis-clock"
local TEXT_INDEX_MS = 2 * 86400000

local function legacyKey(ix, suffix)
  return string.sub(ix, 1, #ix - 2) .. suffix
end

local function keepIndexFor(ix, ms)
  if ms > 0 and redis.call('PTTL', ix) < ms then
    redis.call('PEXPIRE', ix, ms)
  end
end

-- {transactionId, code} of each open verification, in no particular order.
local function openEntries(ix)
  local out = {}
  local flat = redis.call('HGETALL', ix)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'o:' then
      out[#out + 1] = {string.sub(flat[i], 3), flat[i + 1]}
    end
  end
  local legacy = redis.call('HGETALL', legacyKey(ix, 'open'))
  for i = 1, #legacy, 2 do out[#out + 1] = {legacy[i], legacy[i + 1]} end
  return out
end

local function addOpen(ix, txn, code, lifetimeMs)
  redis.call('HSET', ix, 'o:' .. txn, code)
  keepIndexFor(ix, lifetimeMs)
end

local function removeOpen(ix, txn)
  redis.call('HDEL', ix, 'o:' .. txn)
  redis.call('HDEL', legacyKey(ix, 'open'), txn)
end

-- The transactionId a text was about, or false when no text of the phone has this MessageId (or
-- its entry ended).
local function indexedTransaction(ix, messageId)
  local entry = redis.call('HGET', ix, 'm:' .. messageId)
  if not entry then return redis.call('GET', legacyKey(ix, 'm:' .. messageId)) end
  local txn, ends = string.match(entry, '^(.*)|(%d+)$')
  if txn and tonumber(ends) > redisNowMs() then return txn end
  return false
end

-- Indexes a text about the verification txn, dropping the phone's text entries that ended.
local function indexText(ix, messageId, txn)
  local now = redisNowMs()
  local flat = redis.call('HGETALL', ix)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'm:' then
      local ends = tonumber(string.match(flat[i + 1], '|(%d+)$'))
      if ends and ends <= now then redis.call('HDEL', ix, flat[i]) end
    end
  end
  redis.call('HSET', ix, 'm:' .. messageId, txn .. '|' .. string.format('%d', now + TEXT_INDEX_MS))
  keepIndexFor(ix, TEXT_INDEX_MS)
end
