--[[
  Decides an open verification without a reply: CANCELLED, UNDELIVERABLE or EXPIRED.
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  KEYS[2] open verifications  <ns>:{bucket}:<phone>:open
  KEYS[3] recent decisions    <ns>:{bucket}:<phone>:recent  (zset transactionId -> decidedAt, for late replies)
  KEYS[4] cancellation marker <ns>:{bucket}:<phone>:cx:<transactionId>
  KEYS[5] the bucket's due set <ns>:{bucket}:due
  ARGV[1] decision   ARGV[2] now (ms)   ARGV[3] eventId   ARGV[4] retention (ms)
  ARGV[5] '1' to decide only when the deadline has passed (the sweep): a question the provider never
          accepted is then UNDELIVERABLE (NOT_SENT), not EXPIRED
  ARGV[6] '1' to leave a cancellation marker when the verification is not recorded yet: the request
          being handled right now then decides CANCELLED instead of texting (see create-verification-5)
  ARGV[7] undeliverableReason ('' unless UNDELIVERABLE)
  ARGV[8] publish lease (ms): the decision is due in the outbox (the due set) when it runs out
  ARGV[9] the due set's member of this verification ('<phone>|<transactionId>')
  ARGV[10] transactionId
  Returns {status, fields}: 'missing', 'not_due', 'already' (decided before: fields tell which) or 'decided'.
]]
--- @include "record-decision"

local vkey, dueKey = KEYS[1], KEYS[5]
local now, retention = tonumber(ARGV[2]), tonumber(ARGV[4])
local state = redis.call('HGET', vkey, 'st')
if state == false then
  if ARGV[6] == '1' then
    redis.call('SET', KEYS[4], '1', 'PX', retention)
  end
  return {'missing', {}}
end
if state == 'DECIDED' then
  return {'already', redis.call('HGETALL', vkey)}
end
local decision, reason = ARGV[1], ARGV[7]
if ARGV[5] == '1' then
  if tonumber(redis.call('HGET', vkey, 'dl')) > now then
    return {'not_due', redis.call('HGETALL', vkey)}
  end
  if state == 'SENDING' then
    decision, reason = 'UNDELIVERABLE', 'NOT_SENT'
  end
end
recordDecision({
  vkey = vkey, txn = ARGV[10], member = ARGV[9], decision = decision, now = now, eventId = ARGV[3],
  retention = retention, publishLease = tonumber(ARGV[8]), openKey = KEYS[2], dueKey = dueKey,
  recentKey = KEYS[3], reason = reason,
})
return {'decided', redis.call('HGETALL', vkey)}
