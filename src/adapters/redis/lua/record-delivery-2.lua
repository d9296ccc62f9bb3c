--[[
  Applies one SMS delivery event to the verification whose latest question it reports on.
  Hash fields: dq = MessageId of the latest question (set by record-sent-2 when a later question
  replaces the first; absent, the first question's out), ds = its delivery status (PENDING < DELIVERED = FAILED: it never moves backwards), dAt = the
  event's timestamp. Once decided, the delivery is frozen with the decision.
  KEYS[1] the phone's index   <ns>:{bucket}:ix:<part>   (include/phone-index.lua: messageId -> transactionId)
  KEYS[2] the phone's part of its bucket's due set <ns>:{bucket}:due:<part> (a decision is due in the outbox when its publish lease ends)
  ARGV[1] JSON, named: prefix (of the phone's verification keys, <ns>:{bucket}:<phone>:v:),
          messageId, contextTransactionId (the event's context.transactionId, '' when none),
          status (PENDING | DELIVERED | FAILED), eventType, at (the event's timestamp, ms), now (ms),
          eventId (of a decision), retention (ms), publishLease (ms), phone
  The context is the fallback for an event that arrives before the question's MessageId was
  recorded: a verification still SENDING, with no question known yet (or this one, taken by an
  earlier event) and its send under way (the send lease held), takes the MessageId as its
  question's. Any other text names a transaction in its context too (the list of open verifications
  names the first; a question whose send failed for us may still have reached the carrier): none of
  them is taken for the question.
  Returns {outcome, fields}:
    undeliverable    a failure of the question: decided UNDELIVERABLE (reason = the event type)
    recorded         the question's status moved forward
    duplicate        the status was already this one
    stale            the status is already further (an out-of-order event)
    decided_already  the verification is decided: its delivery is frozen
    other_text       a text that is not the verification's latest question
    unknown          no verification knows this MessageId
]]
local ix, dueKey = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
local prefix, messageId, contextTxn = a.prefix, a.messageId, a.contextTransactionId
local status, eventType, at = a.status, a.eventType, a.at
local now, eventId, retention, publishLease, phone = a.now, a.eventId, a.retention, a.publishLease, a.phone
local RANK = {PENDING = 1, DELIVERED = 2, FAILED = 2}

--- @include "phone-index"
ix = phoneIndexOf(ix, phone)
local txn = indexedTransaction(ix, messageId)
local viaContext = false
if not txn then
  if contextTxn == '' then return {'unknown', {}} end
  txn, viaContext = contextTxn, true
end
local vkey = prefix .. txn
--- @include "with-transaction-id"
--- @include "record-decision"
local function record()
  return withTransactionId(redis.call('HGETALL', vkey), txn)
end
local fields = redis.call('HMGET', vkey, 'st', 'dq', 'out', 'ds', 'sl')
local state, question, current = fields[1], fields[2] or '', fields[4] or ''
if not state then return {'unknown', {}} end
if question == '' then question = fields[3] or '' end

if viaContext then
  if state == 'DECIDED' then return {'decided_already', record()} end
  -- Not indexed: only the question whose send is still being recorded may be reported on this way.
  local sending = state == 'SENDING' and tonumber(fields[5] or '0') > now
  -- An earlier event ahead of the same record may have taken this MessageId already.
  if not sending or (question ~= '' and question ~= messageId) then return {'other_text', {}} end
  -- No question known yet (or this one): it is the first, and out names it (dq would repeat it).
  if (fields[3] or '') == '' then redis.call('HSET', vkey, 'out', messageId) end
elseif question ~= messageId then
  return {'other_text', {}}
elseif state == 'DECIDED' then
  return {'decided_already', record()}
end

if current == status then return {'duplicate', record()} end
if current ~= '' and RANK[current] >= RANK[status] then return {'stale', record()} end
redis.call('HSET', vkey, 'ds', status, 'dAt', at)
if status ~= 'FAILED' then return {'recorded', record()} end

recordDecision({
  vkey = vkey, txn = txn, member = phone .. '|' .. txn, decision = 'UNDELIVERABLE', reason = eventType,
  now = now, eventId = eventId, retention = retention, publishLease = publishLease,
  ix = ix, dueKey = dueKey,
})
return {'undeliverable', record()}
