--[[
  Decides an open verification without a reply: CANCELLED, UNDELIVERABLE or EXPIRED.
  KEYS[1] verification hash   fv:{phone}:v:<transactionId>
  KEYS[2] open verifications  fv:{phone}:open
  KEYS[3] recent decisions    fv:{phone}:recent  (zset transactionId -> decidedAt, for late replies)
  KEYS[4] cancellation marker fv:{phone}:cx:<transactionId>
  ARGV[1] decision   ARGV[2] now (ms)   ARGV[3] eventId   ARGV[4] TTL of the decided verification, seconds
  ARGV[5] '1' to decide only when the deadline has passed (expiry)
  ARGV[6] '1' to leave a cancellation marker when the verification is not recorded yet: the request
          being handled right now then decides CANCELLED instead of texting (see create-verification-4)
  Returns {status, fields}: 'missing', 'not_due', 'already' (decided before: fields tell which) or 'decided'.
]]
local vkey = KEYS[1]
local state = redis.call('HGET', vkey, 'st')
if state == false then
  if ARGV[6] == '1' then
    redis.call('SET', KEYS[4], '1', 'EX', ARGV[4])
  end
  return {'missing', {}}
end
if state == 'DECIDED' then
  return {'already', redis.call('HGETALL', vkey)}
end
local now = tonumber(ARGV[2])
if ARGV[5] == '1' and tonumber(redis.call('HGET', vkey, 'dl')) > now then
  return {'not_due', redis.call('HGETALL', vkey)}
end
local txn = redis.call('HGET', vkey, 'txn')
redis.call('HSET', vkey, 'st', 'DECIDED', 'dec', ARGV[1], 'decAt', ARGV[2], 'eid', ARGV[3], 'pub', '0')
redis.call('EXPIRE', vkey, ARGV[4])
redis.call('HDEL', KEYS[2], txn)
if ARGV[1] ~= 'UNDELIVERABLE' then
  redis.call('ZADD', KEYS[3], now, txn)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 86400000)
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
return {'decided', redis.call('HGETALL', vkey)}
