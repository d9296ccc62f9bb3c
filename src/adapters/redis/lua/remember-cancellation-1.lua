--[[
  Looks up a transaction for a cancellation, remembering the cancellation when no request came yet.
  KEYS[1] the transaction index's part of the transactionId <ns>:txns:<part> (include/transaction-index.lua)
  ARGV[1] transactionId   ARGV[2] how long an early cancellation is remembered, ms
  Returns '!cancelled' when the cancellation is (now) remembered for a request still to come,
          otherwise the request's claim ('<phone>' or '<phone>|cancelled').
]]
--- @include "transaction-index"
local part, txn = KEYS[1], ARGV[1]
local now = redisNowMs()
local claim = liveClaim(part, txn, now)
if claim == false then
  putClaim(part, txn, '!cancelled', tonumber(ARGV[2]), now)
  return '!cancelled'
end
return claim
