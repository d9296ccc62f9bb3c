--[[
  Looks up a transaction for a cancellation, remembering the cancellation when no request came yet.
  KEYS[1] transaction index key (fv:txn:<transactionId>)
  ARGV[1] how long an early cancellation is remembered, seconds
  Returns '!cancelled' when the cancellation is (now) remembered for a request still to come,
          otherwise the stored claim ('<phone>' or '<phone>|cancelled').
]]
local claim = redis.call('GET', KEYS[1])
if claim == false then
  redis.call('SET', KEYS[1], '!cancelled', 'EX', ARGV[1])
  return '!cancelled'
end
return claim
