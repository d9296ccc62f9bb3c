--[[
  Claims a transactionId for a phone number: the idempotency key of a request.
  KEYS[1] the transaction index's part of the transactionId <ns>:txns:<part> (include/transaction-index.lua)
  ARGV[1] transactionId   ARGV[2] phone number (E.164)   ARGV[3] how long the claim lasts, ms
  Returns 'new' when first claimed,
          'cancelled' when a cancellation arrived first (the claim then remembers it),
          otherwise the earlier claim ('<phone>' or '<phone>|cancelled').
]]
--- @include "transaction-index"
local part, txn, phone, lifetime = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local now = redisNowMs()
local previous = liveClaim(part, txn, now)
if previous == false then
  putClaim(part, txn, phone, lifetime, now)
  return 'new'
end
if previous == '!cancelled' then
  putClaim(part, txn, phone .. '|cancelled', lifetime, now)
  return 'cancelled'
end
return previous
