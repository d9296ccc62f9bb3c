--[[
  Claims a transactionId for a phone number: the idempotency key of a request.
  KEYS[1] transaction index key (fv:txn:<transactionId>)
  ARGV[1] phone number (E.164)
  ARGV[2] TTL of the claim, seconds
  Returns 'new' when first claimed,
          'cancelled' when a cancellation arrived first (the claim then remembers it),
          otherwise the stored value ('<phone>' or '<phone>|cancelled') of the earlier claim.
]]
local previous = redis.call('GET', KEYS[1])
if previous == false then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 'new'
end
if previous == '!cancelled' then
  redis.call('SET', KEYS[1], ARGV[1] .. '|cancelled', 'EX', ARGV[2])
  return 'cancelled'
end
return previous
