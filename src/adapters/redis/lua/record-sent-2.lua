--[[
  Records the MessageId of the question SMS and indexes it for reply correlation.
  KEYS[1] verification hash   fv:{phone}:v:<transactionId>
  KEYS[2] message index       fv:{phone}:m:<messageId>
  ARGV[1] messageId   ARGV[2] transactionId   ARGV[3] TTL of the index, seconds
  Returns {status, fields}: 'missing' when the verification is gone, else 'recorded'.
  A verification decided while its SMS was in flight stays decided, and its recorded decision (the
  event it publishes, outboundMessageId included) stays as it was.
  dq is the latest question's MessageId, the one delivery events report on (record-delivery-3.lua):
  a later question replaces it and starts its delivery status afresh.
]]
local vkey = KEYS[1]
if redis.call('EXISTS', vkey) == 0 then
  return {'missing', {}}
end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
local state = redis.call('HGET', vkey, 'st')
if state ~= 'DECIDED' and redis.call('HGET', vkey, 'out') == '' then
  redis.call('HSET', vkey, 'out', ARGV[1])
end
if state ~= 'DECIDED' and redis.call('HGET', vkey, 'dq') ~= ARGV[1] then
  redis.call('HSET', vkey, 'dq', ARGV[1])
  redis.call('HDEL', vkey, 'ds', 'dAt')
end
if state == 'SENDING' then
  redis.call('HSET', vkey, 'st', 'OPEN')
end
return {'recorded', redis.call('HGETALL', vkey)}
