--[[
  Handles one inbound SMS of a phone atomically: deduplication on inboundMessageId, correlation and
  the state change the reply asks for.
  Only verifications whose reply window [requestedAt, deadline] holds the reply's receipt are open
  for it: a reply received before a verification was requested never concerns it, however late it
  is handled. A decisive reply (YES/NO) decides only on unambiguous evidence and otherwise asks:
    1. a reference code of an open verification decides that one, whatever previousPublishedMessageId names;
    2. else exactly one open verification decides, unless previousPublishedMessageId names a text
       about another (already decided) verification: the cardholder may be answering that one;
    3. else, with several open, nothing is decided and the cardholder gets the list (owes: ambiguous).
  KEYS[1] the phone's index   <ns>:{bucket}:ix:<part>   (include/phone-index.lua: open verifications
                              and their reference codes; the text a previousPublishedMessageId names)
  KEYS[2] handled inbound id  <ns>:{bucket}:<phone>:in:<inboundMessageId>  ('<transactionIds>|<text still owed>')
  KEYS[3] opt-out flag        <ns>:{bucket}:<phone>:optout
  KEYS[4] recent decisions    <ns>:{bucket}:<phone>:recent   (zset transactionId -> decidedAt)
  KEYS[5] the phone's part of its bucket's due set <ns>:{bucket}:due:<part> (a decision is due in the outbox when its publish lease ends)
  ARGV[1] JSON, named: prefix (of the phone's verification keys, <ns>:{bucket}:<phone>:v:),
          intent (APPROVE | DENY | STOP | HELP | START | UNKNOWN), answer (YES | NO | STOP | ''),
          code (reference code or ''), inboundId, now (ms), receivedAt (ms), eventIdSeed (seed of the
          decision's eventId), handledTtl (of the handled-id record, seconds), previous
          (previousPublishedMessageId, '' when none), retention (of a decided verification, ms),
          publishLease (ms), phone
  Returns {outcome, owedText, fields...}: one HGETALL array per verification concerned, and the
  text the reply is owed ('' for none; the caller clears it once sent, see clear-owed-text-1.lua).
    duplicate        the inbound id was handled before: fields of what it concerned, so the caller
                     finishes what is left (a publish, or the owed text if it was never sent)
    opted_in         an opt-out was lifted (START)                          owes: opted_in
    opted_out        STOP: every verification open for it decided OPTED_OUT
    ambiguous        no unambiguous evidence: fields of each open one       owes: ambiguous
    decided          APPROVED or DENIED
    expired          YES/NO received after the deadline: decided EXPIRED   owes: late
    help | reprompt | late        a text about the verification         owes: the same
    ignored | ignored_late | ignored_unknown | ignored_opted_out | no_verification   nothing to do
]]
local ix, handledKey, optoutKey, recentKey, dueKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local a = cjson.decode(ARGV[1])
local prefix, intent, answer, code = a.prefix, a.intent, a.answer, a.code
local inboundId, now, receivedAt, eventId = a.inboundId, a.now, a.receivedAt, a.eventIdSeed
local retention, publishLease, phone = a.retention, a.publishLease, a.phone
local DAY_MS = 86400000

--- @include "with-transaction-id"
--- @include "phone-index"
ix = phoneIndexOf(ix, phone)
--- @include "record-decision"
--- @include "confirmation-owed"

local function fields(txn)
  return withTransactionId(redis.call('HGETALL', prefix .. txn), txn)
end

-- One reply may decide several verifications (STOP): each gets its own stable, UUID-shaped id.
local function eventIdFor(txn)
  local h = redis.sha1hex(eventId .. ':' .. txn)
  return string.sub(h, 1, 8) .. '-' .. string.sub(h, 9, 12) .. '-5' .. string.sub(h, 14, 16) .. '-a' ..
    string.sub(h, 18, 20) .. '-' .. string.sub(h, 21, 32)
end

-- What this reply concerned and the text it still owes: a redelivery finishes what a crash left.
local function remember(txns, owed)
  redis.call('SET', handledKey, txns .. '|' .. (owed or ''), 'EX', a.handledTtl)
end

local function answered(outcome, owed, txns)
  remember(table.concat(txns, ','), owed)
  local out = {outcome, owed}
  for _, txn in ipairs(txns) do table.insert(out, fields(txn)) end
  return out
end

local function decide(txn, decision, correlatedBy)
  local vkey = prefix .. txn
  recordDecision({
    vkey = vkey, txn = txn, member = phone .. '|' .. txn, decision = decision, now = now,
    eventId = eventIdFor(txn), retention = retention, publishLease = publishLease,
    ix = ix, dueKey = dueKey, recentKey = recentKey,
  })
  if correlatedBy then
    redis.call('HSET', vkey, 'rIn', inboundId, 'rAns', answer, 'rBy', correlatedBy, 'rAt', receivedAt)
  end
  if decision == 'APPROVED' or decision == 'DENIED' then
    redis.call('HSET', vkey, 'conf', 'pending')
  end
end

local handled = redis.call('GET', handledKey)
if handled then
  local txns, owed = string.match(handled, '^([^|]*)|?(.*)$')
  -- Nothing is ever sent to a number after it opted out, an owed text included.
  if redis.call('EXISTS', optoutKey) == 1 then owed = '' end
  local out = {'duplicate', owed}
  for txn in string.gmatch(txns, '[^,]+') do
    local f = fields(txn)
    if #f > 0 then table.insert(out, f) end
  end
  return out
end

if intent == 'START' then
  if redis.call('DEL', optoutKey) == 1 then return answered('opted_in', 'opted_in', {}) end
  return answered('ignored', '', {})
end

-- The phone's undecided verifications, split by where the receipt falls in each one's window.
local open, openCodes, pastDeadline = {}, {}, {}
for _, entry in ipairs(openEntries(ix)) do
  local txn = entry[1]
  local window = redis.call('HMGET', prefix .. txn, 'reqAt', 'dl')
  local requestedAt, deadline = tonumber(window[1]), tonumber(window[2])
  if requestedAt and receivedAt >= requestedAt then
    if receivedAt <= deadline then
      table.insert(open, txn)
      openCodes[txn] = entry[2]
    else
      table.insert(pastDeadline, txn)
    end
  end
end
local function isOpen(txn)
  return openCodes[txn] ~= nil
end

local referencedTxn = false
if a.previous ~= '' then
  referencedTxn = indexedTransaction(ix, a.previous)
  if referencedTxn and redis.call('EXISTS', prefix .. referencedTxn) == 0 then referencedTxn = false end
end

if intent == 'STOP' then
  redis.call('SET', optoutKey, '1')
  -- Confirmations still owed to this phone are forfeited: nothing is sent after an opt-out.
  for _, txn in ipairs(redis.call('ZRANGE', recentKey, 0, -1)) do
    if confirmationOwed(prefix .. txn) then
      redis.call('HSET', prefix .. txn, 'conf', 'skipped')
    end
  end
  local decided = {}
  for _, list in ipairs({open, pastDeadline}) do
    for _, txn in ipairs(list) do
      local by = (txn == referencedTxn) and 'previousPublishedMessageId' or 'phoneNumber'
      decide(txn, 'OPTED_OUT', by)
      table.insert(decided, txn)
    end
  end
  return answered('opted_out', '', decided)
end

if redis.call('EXISTS', optoutKey) == 1 then
  return answered('ignored_opted_out', '', {})
end

local decisive = intent == 'APPROVE' or intent == 'DENY'

-- Which verification the reply is about, and on what evidence.
local txn, by = false, false
if code ~= '' then
  for _, candidate in ipairs(open) do
    if openCodes[candidate] == code then txn, by = candidate, 'referenceCode' end
  end
end
if not txn and #open == 1 then
  local only = open[1]
  if referencedTxn == only then
    txn, by = only, 'previousPublishedMessageId'
  elseif referencedTxn and decisive then
    -- The handset's latest text was about another verification: the answer may be meant for that one.
    return answered('ambiguous', 'ambiguous', {only})
  else
    txn, by = only, 'phoneNumber'
  end
end
if not txn and #open > 1 then
  if decisive or not (referencedTxn and isOpen(referencedTxn)) then
    return answered('ambiguous', 'ambiguous', open)
  end
  txn, by = referencedTxn, 'previousPublishedMessageId'
end
if not txn then
  -- Nothing open for this reply: it is about a verification decided (or past its deadline) already.
  if referencedTxn and not isOpen(referencedTxn) then
    local requestedAt = tonumber(redis.call('HGET', prefix .. referencedTxn, 'reqAt'))
    if requestedAt and requestedAt <= receivedAt then txn = referencedTxn end
  end
  if not txn and pastDeadline[1] then txn = pastDeadline[1] end
  if not txn then
    local recent = redis.call('ZREVRANGEBYSCORE', recentKey, '+inf', now - DAY_MS)
    for _, candidate in ipairs(recent) do
      local requestedAt = tonumber(redis.call('HGET', prefix .. candidate, 'reqAt'))
      if requestedAt and requestedAt <= receivedAt then txn = candidate; break end
    end
  end
  if not txn then
    return answered('no_verification', '', {})
  end
  by = 'phoneNumber'
end

local vkey = prefix .. txn
local state = redis.call('HGET', vkey, 'st')
if state == false then
  return answered('no_verification', '', {})
end

if intent == 'HELP' then
  return answered('help', 'help', {txn})
end

if state == 'DECIDED' then
  local decidedAt = tonumber(redis.call('HGET', vkey, 'decAt'))
  if redis.call('HGET', vkey, 'late') ~= '1' and now - decidedAt <= DAY_MS then
    redis.call('HSET', vkey, 'late', '1')
    return answered('late', 'late', {txn})
  end
  return answered('ignored_late', '', {txn})
end

if decisive then
  -- An answer that reached us after the deadline is no answer in time, even before the sweep ran.
  if receivedAt > tonumber(redis.call('HGET', vkey, 'dl')) then
    decide(txn, 'EXPIRED', false)
    redis.call('HSET', vkey, 'late', '1')
    return answered('expired', 'late', {txn})
  end
  decide(txn, (intent == 'APPROVE') and 'APPROVED' or 'DENIED', by)
  return answered('decided', '', {txn})
end

if tonumber(redis.call('HGET', vkey, 'rp') or '0') < 2 then
  redis.call('HINCRBY', vkey, 'rp', 1)
  return answered('reprompt', 'reprompt', {txn})
end
return answered('ignored_unknown', '', {txn})
