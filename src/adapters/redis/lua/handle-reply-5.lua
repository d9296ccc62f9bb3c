--[[
  Handles one inbound SMS of a phone atomically: deduplication on inboundMessageId, correlation
  (previousPublishedMessageId, then reference code, then the phone's only open verification),
  and the state change the reply asks for.
  KEYS[1] open verifications  fv:{phone}:open     (hash transactionId -> reference code)
  KEYS[2] handled inbound id  fv:{phone}:in:<inboundMessageId>
  KEYS[3] message index       fv:{phone}:m:<previousPublishedMessageId> (any key of the slot when absent)
  KEYS[4] opt-out flag        fv:{phone}:optout
  KEYS[5] recent decisions    fv:{phone}:recent   (zset transactionId -> decidedAt)
  ARGV[1] verification key prefix fv:{phone}:v:
  ARGV[2] intent: APPROVE | DENY | STOP | HELP | START | UNKNOWN
  ARGV[3] canonical answer (YES | NO | STOP | '')   ARGV[4] reference code or ''
  ARGV[5] inboundMessageId   ARGV[6] now (ms)   ARGV[7] receivedAt (ms)   ARGV[8] seed of the decision's eventId
  ARGV[9] TTL of the handled-id record, seconds   ARGV[10] '1' when previousPublishedMessageId was given
  ARGV[11] TTL of a decided verification, seconds
  Returns {outcome, fields...}: one HGETALL array per verification concerned.
    duplicate        the inbound id was handled before; fields of what it decided (to finish side effects)
    opted_in         an opt-out was lifted (START)
    opted_out        STOP: every open verification decided OPTED_OUT
    ambiguous        several open, no usable code: fields of each open verification
    decided          APPROVED or DENIED
    help | reprompt | late        an SMS to send about the verification
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

local function remember(txns)
  redis.call('SET', handledKey, txns, 'EX', ARGV[9])
end

local function decide(txn, decision, correlatedBy)
  local vkey = prefix .. txn
  redis.call('HSET', vkey, 'st', 'DECIDED', 'dec', decision, 'decAt', now, 'eid', eventIdFor(txn),
    'pub', '0', 'rIn', inboundId, 'rAns', answer, 'rBy', correlatedBy, 'rAt', receivedAt)
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
  local out = {'duplicate'}
  for txn in string.gmatch(handled, '[^,]+') do
    local f = fields(txn)
    if #f > 0 then table.insert(out, f) end
  end
  return out
end

if intent == 'START' then
  remember('')
  if redis.call('DEL', optoutKey) == 1 then return {'opted_in'} end
  return {'ignored'}
end

local referencedTxn = false
if ARGV[10] == '1' then
  referencedTxn = redis.call('GET', messageKey)
end

if intent == 'STOP' then
  redis.call('SET', optoutKey, '1')
  local out, decided = {'opted_out'}, {}
  for _, txn in ipairs(redis.call('HKEYS', openKey)) do
    local by = (txn == referencedTxn) and 'previousPublishedMessageId' or 'phoneNumber'
    table.insert(out, decide(txn, 'OPTED_OUT', by))
    table.insert(decided, txn)
  end
  remember(table.concat(decided, ','))
  return out
end

if redis.call('EXISTS', optoutKey) == 1 then
  remember('')
  return {'ignored_opted_out'}
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
    remember('')
    local out = {'ambiguous'}
    for i = 1, #open, 2 do table.insert(out, fields(open[i])) end
    return out
  else
    local latest = redis.call('ZREVRANGEBYSCORE', recentKey, '+inf', now - DAY_MS, 'LIMIT', 0, 1)
    if latest[1] == nil then
      remember('')
      return {'no_verification'}
    end
    txn, by = latest[1], 'phoneNumber'
  end
end

local vkey = prefix .. txn
local state = redis.call('HGET', vkey, 'st')
if state == false then
  remember('')
  return {'no_verification'}
end

if intent == 'HELP' then
  remember('')
  return {'help', fields(txn)}
end

if state == 'DECIDED' then
  remember('')
  local decidedAt = tonumber(redis.call('HGET', vkey, 'decAt'))
  if redis.call('HGET', vkey, 'late') ~= '1' and now - decidedAt <= DAY_MS then
    redis.call('HSET', vkey, 'late', '1')
    return {'late', fields(txn)}
  end
  return {'ignored_late', fields(txn)}
end

if intent == 'APPROVE' or intent == 'DENY' then
  local decision = (intent == 'APPROVE') and 'APPROVED' or 'DENIED'
  local f = decide(txn, decision, by)
  remember(txn)
  return {'decided', f}
end

remember('')
if tonumber(redis.call('HGET', vkey, 'rp')) < 2 then
  redis.call('HINCRBY', vkey, 'rp', 1)
  return {'reprompt', fields(txn)}
end
return {'ignored_unknown', fields(txn)}
