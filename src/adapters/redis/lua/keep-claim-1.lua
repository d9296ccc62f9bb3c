--[[
  Gives a decided verification's idempotency record the same end as the verification (see
  claim-transaction-1.lua), re-creating it when it ran out first (a decision long after the deadline):
  a replay must never find the decision without its record.
  KEYS[1] transaction index key   ARGV[1] phone number   ARGV[2] time left (ms)
  Returns 1 when kept, 0 when the transactionId now belongs to another phone's request.
]]
local claim = redis.call('GET', KEYS[1])
if claim == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if claim ~= ARGV[1] and claim ~= ARGV[1] .. '|cancelled' then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
