--[[
  Claims the confirmation SMS a decision owes, so exactly one worker sends it, and never to a phone
  that opted out meanwhile.
  KEYS[1] verification hash   fv:{phone}:v:<transactionId>
  KEYS[2] opt-out flag        fv:{phone}:optout
  ARGV[1] now (ms)   ARGV[2] how long the claimer may take to send it (ms)
  Returns 'claimed' (send it, then mark it sent), 'taken' (another worker is sending it),
          'opted_out' (not to be sent; marked skipped) or 'done' (nothing owed).
]]
local vkey = KEYS[1]
local confirmation = redis.call('HGET', vkey, 'conf')
if confirmation ~= 'pending' and confirmation ~= 'sending' then
  return 'done'
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', vkey, 'conf', 'skipped')
  return 'opted_out'
end
local now = tonumber(ARGV[1])
if confirmation == 'sending' and tonumber(redis.call('HGET', vkey, 'cfl') or '0') > now then
  return 'taken'
end
redis.call('HSET', vkey, 'conf', 'sending', 'cfl', now + tonumber(ARGV[2]))
return 'claimed'
