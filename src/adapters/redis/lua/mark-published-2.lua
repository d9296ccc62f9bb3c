--[[
  Records that a decision's event was published, and moves its entry in the due set: to the end of
  the confirmation's lease when the confirmation SMS is still owed, else out of the set.
  KEYS[1] verification hash   KEYS[2] the bucket's due set
  ARGV[1] due member '<phone>|<transactionId>'   ARGV[2] now (ms)   ARGV[3] confirmation lease (ms)
  Returns the verification's remaining time to live (ms; -2 when gone), so the caller gives its
  idempotency record the same end.
]]
local vkey = KEYS[1]
if redis.call('EXISTS', vkey) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return -2
end
redis.call('HSET', vkey, 'pub', '1')
local confirmation = redis.call('HGET', vkey, 'conf')
if confirmation == 'pending' or confirmation == 'sending' then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return redis.call('PTTL', vkey)
