-- The phone's index: one hash per phone, <ns>:{bucket}:<phone>:ix, holding
--   'o:<transactionId>' -> reference code ('' for none), for each open verification;
--   'm:<messageId>'     -> transactionId, for each text sent about a verification (a reply names it
--                          in previousPublishedMessageId, a delivery event in messageId).
-- An entry counts while its verification exists (until its retention ends); the hash lives at least
-- as long as the verifications it names, and an entry whose verification is gone is dropped when
-- the phone's next verification or text is indexed. Redis before 7.4 has no expiry per field.
-- The layout before the index (<phone>:open and <phone>:m:<messageId>, in the same slot) is still
-- read and cleaned, so verifications opened by an earlier release are answered through an upgrade.
-- Needs the phone's verification key prefix (<ns>:{bucket}:<phone>:v:) as `prefix`.

local function legacyKey(ix, suffix)
  return string.sub(ix, 1, #ix - 2) .. suffix
end

local function keepIndexFor(ix, ms)
  if ms > 0 and redis.call('PTTL', ix) < ms then
    redis.call('PEXPIRE', ix, ms)
  end
end

-- Drops the text entries whose verification is gone.
local function pruneTexts(ix, prefix)
  local flat = redis.call('HGETALL', ix)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'm:' and redis.call('EXISTS', prefix .. flat[i + 1]) == 0 then
      redis.call('HDEL', ix, flat[i])
    end
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

-- The transactionId a text was about, or false when no text of the phone has this MessageId.
local function indexedTransaction(ix, messageId)
  return redis.call('HGET', ix, 'm:' .. messageId) or redis.call('GET', legacyKey(ix, 'm:' .. messageId))
end

-- Indexes a text about the verification txn (its key: prefix .. txn).
local function indexText(ix, prefix, messageId, txn)
  pruneTexts(ix, prefix)
  redis.call('HSET', ix, 'm:' .. messageId, txn)
  keepIndexFor(ix, redis.call('PTTL', prefix .. txn))
end
