-- The phone's index: the open verifications of each phone and the texts sent about them, as entries
-- of the phone's part of its bucket's index, <ns>:{bucket}:ix:<part> (64 parts per bucket, the
-- phone's chosen by its cluster slot; see redis-keys.ts), rather than a hash per phone:
--   '<phone>o<transactionId>' -> '<reference code>|<end>' for an open verification ('' for no code):
--                                it counts while the verification is undecided, until the deadline
--                                plus the retention; an entry whose verification is gone or decided
--                                is dropped when the open verifications are next read;
--   '<phone>m<messageId>'     -> '<transactionId>|<end>' for each text sent about a verification (a
--                                reply names it in previousPublishedMessageId, a delivery event in
--                                messageId). It counts for TEXT_INDEX_MS after the text, a day past
--                                the longest reply window, for late replies.
-- Ended entries count for nothing and are dropped in passing (include/entries-with-ends.lua).
-- The layouts of earlier releases, in the same slot, are still read and cleaned, so verifications
-- opened by them are answered through an upgrade: a hash per phone, <phone>:ix ('o:<transactionId>'
-- -> code, 'm:<messageId>' -> '<transactionId>|<end>'), and before it <phone>:open (transactionId ->
-- code) and a key <phone>:m:<messageId> per text.
--- @include "entries-with-ends"
local TEXT_INDEX_MS = 2 * 86400000

-- The phone's index: the key of its part and the phone, where earlier releases kept it, where the
-- phone's verifications are, and now on Redis's clock (read once per script).
local function phoneIndexOf(part, phone)
  local base = string.match(part, '^(.*}:)ix:%d+$') .. phone .. ':'
  return {
    part = part, phone = phone, perPhone = base .. 'ix', open = base .. 'open', base = base,
    verifications = base .. 'v:', now = redisNowMs(),
  }
end

local function removeOpen(ix, txn)
  redis.call('HDEL', ix.part, ix.phone .. 'o' .. txn)
  redis.call('HDEL', ix.perPhone, 'o:' .. txn)
  redis.call('HDEL', ix.open, txn)
end

-- {transactionId, code} of each open verification, in no particular order. An entry whose
-- verification is gone (expired undecided, never swept within its retention) or decided (an
-- earlier verification of the same transactionId left it) is dropped on the way.
local function openEntries(ix)
  local found = {}
  local prefix = ix.phone .. 'o'
  local cursor = '0'
  repeat
    local page = redis.call('HSCAN', ix.part, cursor, 'MATCH', prefix .. '*', 'COUNT', 1000)
    cursor = page[1]
    local flat = page[2]
    for i = 1, #flat, 2 do
      local code, ends = splitEnding(flat[i + 1])
      if ends and ends > ix.now then found[#found + 1] = {string.sub(flat[i], #prefix + 1), code} end
    end
  until cursor == '0'
  local perPhone = redis.call('HGETALL', ix.perPhone)
  for i = 1, #perPhone, 2 do
    if string.sub(perPhone[i], 1, 2) == 'o:' then
      found[#found + 1] = {string.sub(perPhone[i], 3), perPhone[i + 1]}
    end
  end
  local older = redis.call('HGETALL', ix.open)
  for i = 1, #older, 2 do found[#found + 1] = {older[i], older[i + 1]} end
  local out = {}
  for _, entry in ipairs(found) do
    local state = redis.call('HGET', ix.verifications .. entry[1], 'st')
    if state == false or state == 'DECIDED' then
      removeOpen(ix, entry[1])
    else
      out[#out + 1] = entry
    end
  end
  return out
end

local function addOpen(ix, txn, code, lifetimeMs)
  putEnding(ix.part, ix.phone .. 'o' .. txn, code, lifetimeMs, ix.now)
end

-- The transactionId a text was about, or false when no text of the phone has this MessageId (or
-- its entry ended).
local function indexedTransaction(ix, messageId)
  local txn = liveValue(ix.part, ix.phone .. 'm' .. messageId, ix.now)
  if txn then return txn end
  local entry = redis.call('HGET', ix.perPhone, 'm:' .. messageId)
  if not entry then return redis.call('GET', ix.base .. 'm:' .. messageId) end
  local earlierTxn, ends = splitEnding(entry)
  if ends and ends > ix.now then return earlierTxn end
  return false
end

-- Indexes a text about the verification txn.
local function indexText(ix, messageId, txn)
  putEnding(ix.part, ix.phone .. 'm' .. messageId, txn, TEXT_INDEX_MS, ix.now)
end
