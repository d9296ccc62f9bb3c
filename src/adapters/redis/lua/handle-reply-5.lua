--[[
  Handles one inbound SMS of a phone atomically: deduplication on inboundMessageId, correlation
  (previousPublishedMessageId, then reference code, then the phone's only open verification),
  and the state change the reply asks for.
  KEYS[1] open verifications  fv:{phone}:open     (hash transactionId -> reference code)
  KEYS[2] handled inbound id  fv:{phone}:in:<inboundMessageId>  ('<transactionIds>|<text still owed>')
  KEYS[3] message index       fv:{phone}:m:<previousPublishedMessageId> (any key of the slot when absent)
  KEYS[4] opt-out flag        fv:{phone}:optout
  KEYS[5] recent decisions    fv:{phone}:recent   (zset transactionId -> decidedAt)
  ARGV[1] verification key prefix fv:{phone}:v:
  ARGV[2] intent: APPROVE | DENY | STOP | HELP | START | UNKNOWN
  ARGV[3] canonical answer (YES | NO | STOP | '')   ARGV[4] reference code or ''
  ARGV[5] inboundMessageId   ARGV[6] now (ms)   ARGV[7] receivedAt (ms)   ARGV[8] seed of the decision's eventId
  ARGV[9] TTL of the handled-id record, seconds   ARGV[10] '1' when previousPublishedMessageId was given
  ARGV[11] TTL of a decided verification, seconds
  Returns {outcome, owedText, fields...}: one HGETALL array per verification concerned, and the
  text the reply is owed ('' for none; the caller clears it once sent, see clear-owed-text-1.lua).
    duplicate        the inbound id was handled before: fields of what it concerned, so the caller
                     finishes what is left (a publish, or the owed text if it was never sent)
    opted_in         an opt-out was lifted (START)                          owes: opted_in
    opted_out        STOP: every open verification decided OPTED_OUT
    ambiguous        several open, no usable code: fields of each one      owes: ambiguous
    decided          APPROVED or DENIED
    expired          YES/NO received after the deadline: decided EXPIRED   owes: late
    help | reprompt | late        a text about the verification         owes: the same
    ignored | ignored_late | ignored_unknown | ignored_opted_out | no_verification   nothing to do
]]
local openKey, handledKey, messageKey, optoutKey, recentKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix, intent, answer, code = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local inboundId, now, receivedAt, eventId = ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8]
local decidedTtl = ARGV[11]
local DAY_MS = 86400000

local function fields(txn)
  return redis.call('HGETALL', prefix .. txn)
end

-- One reply may decide several verifications (STOP): each gets its own stable, UUID-shaped id.
local function eventIdFor(txn)
  local h = redis.sha1hex(eventId .. ':' .. txn)
  return string.sub(h, 1, 8) .. '-' .. string.sub(h, 9, 12) .. '-5' .. string.sub(h, 14, 16) .. '-a' ..
    string.sub(h, 18, 20) .. '-' .. string.sub(h, 21, 32)
end

-- What this reply concerned and the text it still owes: a redelivery finishes what a crash left.
local function remember(txns, owed)
  redis.call('SET', handledKey, txns .. '|' .. (owed or ''), 'EX', ARGV[9])
end

local function answered(outcome, owed, txns)
  remember(table.concat(txns, ','), owed)
  local out = {outcome, owed}
  for _, txn in ipairs(txns) do table.insert(out, fields(txn)) end
  return out
end

local function decide(txn, decision, correlatedBy)
  local vkey = prefix .. txn
  redis.call('HSET', vkey, 'st', 'DECIDED', 'dec', decision, 'decAt', now, 'eid', eventIdFor(txn), 'pub', '0')
  if correlatedBy then
    redis.call('HSET', vkey, 'rIn', inboundId, 'rAns', answer, 'rBy', correlatedBy, 'rAt', receivedAt)
  end
  if decision == 'APPROVED' or decision == 'DENIED' then
    redis.call('HSET', vkey, 'conf', 'pending')
  end
  redis.call('EXPIRE', vkey, decidedTtl)
  redis.call('HDEL', openKey, txn)
  redis.call('ZADD', recentKey, now, txn)
  redis.call('ZREMRANGEBYSCORE', recentKey, '-inf', now - DAY_MS)
  redis.call('EXPIRE', recentKey, decidedTtl)
  return redis.call('HGETALL', vkey)
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

local referencedTxn = false
if ARGV[10] == '1' then
  referencedTxn = redis.call('GET', messageKey)
end

if intent == 'STOP' then
  redis.call('SET', optoutKey, '1')
  -- Confirmations still owed to this phone are forfeited: nothing is sent after an opt-out.
  for _, txn in ipairs(redis.call('ZRANGE', recentKey, 0, -1)) do
    local confirmation = redis.call('HGET', prefix .. txn, 'conf')
    if confirmation == 'pending' or confirmation == 'sending' then
      redis.call('HSET', prefix .. txn, 'conf', 'skipped')
    end
  end
  local decided = {}
  for _, txn in ipairs(redis.call('HKEYS', openKey)) do
    local by = (txn == referencedTxn) and 'previousPublishedMessageId' or 'phoneNumber'
    decide(txn, 'OPTED_OUT', by)
    table.insert(decided, txn)
  end
  return answered('opted_out', '', decided)
end

if redis.call('EXISTS', optoutKey) == 1 then
  return answered('ignored_opted_out', '', {})
end

local txn, by = false, false
if referencedTxn and redis.call('EXISTS', prefix .. referencedTxn) == 1 then
  txn, by = referencedTxn, 'previousPublishedMessageId'
end
local open = redis.call('HGETALL', openKey)
if not txn and code ~= '' then
  for i = 1, #open, 2 do
    if open[i + 1] == code then txn, by = open[i], 'referenceCode' end
  end
end
if not txn then
  if #open == 2 then
    txn, by = open[1], 'phoneNumber'
  elseif #open > 2 then
    local listed = {}
    for i = 1, #open, 2 do table.insert(listed, open[i]) end
    return answered('ambiguous', 'ambiguous', listed)
  else
    local latest = redis.call('ZREVRANGEBYSCORE', recentKey, '+inf', now - DAY_MS, 'LIMIT', 0, 1)
    if latest[1] == nil then
      return answered('no_verification', '', {})
    end
    txn, by = latest[1], 'phoneNumber'
  end
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

if intent == 'APPROVE' or intent == 'DENY' then
  -- An answer that reached us after the deadline is no answer in time, even before the sweep ran.
  if tonumber(receivedAt) > tonumber(redis.call('HGET', vkey, 'dl')) then
    decide(txn, 'EXPIRED', false)
    redis.call('HSET', vkey, 'late', '1')
    return answered('expired', 'late', {txn})
  end
  decide(txn, (intent == 'APPROVE') and 'APPROVED' or 'DENIED', by)
  return answered('decided', '', {txn})
end

if tonumber(redis.call('HGET', vkey, 'rp')) < 2 then
  redis.call('HINCRBY', vkey, 'rp', 1)
  return answered('reprompt', 'reprompt', {txn})
end
return answered('ignored_unknown', '', {txn})
