--[[
  Records the MessageId of the question SMS and indexes it for reply correlation.
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  KEYS[2] the phone's index   <ns>:{bucket}:ix:<part>   (include/phone-index.lua)
  ARGV[1] messageId   ARGV[2] transactionId   ARGV[3] phone
  Returns {status, fields}: 'missing' when the verification is gone, else 'recorded'.
  A verification decided while its SMS was in flight stays decided, and its recorded decision (the
  event it publishes, outboundMessageId included) stays as it was.
  dq is the latest question's MessageId, the one delivery events report on (record-delivery-2.lua),
  stored only when it differs from out (the first question's): a later question replaces it and
  starts its delivery status afresh.
]]
--- @include "phone-index"
local vkey = KEYS[1]
if redis.call('EXISTS', vkey) == 0 then
  return {'missing', {}}
end
indexText(phoneIndexOf(KEYS[2], ARGV[3]), ARGV[1], ARGV[2])
local state = redis.call('HGET', vkey, 'st')
if state ~= 'DECIDED' then
  local sent = redis.call('HMGET', vkey, 'out', 'dq')
  local first = sent[1] or ''
  if first == '' then
    -- The first question: out names it, and dq is only stored once a later question differs from it.
    redis.call('HSET', vkey, 'out', ARGV[1])
  elseif (sent[2] or first) ~= ARGV[1] then
    redis.call('HSET', vkey, 'dq', ARGV[1])
    redis.call('HDEL', vkey, 'ds', 'dAt')
  end
end
if state == 'SENDING' then
  -- The send lease matters only while SENDING.
  redis.call('HSET', vkey, 'st', 'OPEN')
  redis.call('HDEL', vkey, 'sl')
end
return {'recorded', redis.call('HGETALL', vkey)}
