--[[
  Decides an open verification without a reply: CANCELLED, UNDELIVERABLE or EXPIRED.
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  KEYS[2] the phone's index   <ns>:{bucket}:ix:<part>   (include/phone-index.lua)
  KEYS[3] recent decisions    <ns>:{bucket}:<phone>:recent  (zset transactionId -> decidedAt, for late replies)
  KEYS[4] cancellation marker <ns>:{bucket}:<phone>:cx:<transactionId>
  KEYS[5] the phone's part of its bucket's due set <ns>:{bucket}:due:<part>
  ARGV[1] JSON, named: decision, now (ms), eventId, retention (ms),
          onlyIfDue (the sweep: decide only when the deadline has passed; a question the provider
          never accepted is then UNDELIVERABLE (NOT_SENT), not EXPIRED),
          rememberCancellation (leave a cancellation marker when the verification is not recorded
          yet: the request being handled right now then decides CANCELLED instead of texting, see
          create-verification-5), reason (undeliverableReason, '' unless UNDELIVERABLE),
          publishLease (ms: the decision is due in the outbox, the due set, when it runs out),
          member (of the due set, '<phone>|<transactionId>'), transactionId, phone
  Returns {status, fields}: 'missing', 'not_due', 'already' (decided before: fields tell which) or 'decided'.
]]
--- @include "record-decision"

local vkey, dueKey = KEYS[1], KEYS[5]
local a = cjson.decode(ARGV[1])
local now, retention = a.now, a.retention
local state = redis.call('HGET', vkey, 'st')
if state == false then
  if a.rememberCancellation then
    redis.call('SET', KEYS[4], '1', 'PX', retention)
  end
  return {'missing', {}}
end
if state == 'DECIDED' then
  return {'already', redis.call('HGETALL', vkey)}
end
local decision, reason = a.decision, a.reason
if a.onlyIfDue then
  if tonumber(redis.call('HGET', vkey, 'dl')) > now then
    return {'not_due', redis.call('HGETALL', vkey)}
  end
  if state == 'SENDING' then
    decision, reason = 'UNDELIVERABLE', 'NOT_SENT'
  end
end
recordDecision({
  vkey = vkey, txn = a.transactionId, member = a.member, decision = decision, now = now, eventId = a.eventId,
  retention = retention, publishLease = a.publishLease, ix = phoneIndexOf(KEYS[2], a.phone), dueKey = dueKey,
  recentKey = KEYS[3], reason = reason,
})
return {'decided', redis.call('HGETALL', vkey)}
