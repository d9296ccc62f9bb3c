--[[
  Gives a decided verification's idempotency record the same end as the verification (see
  claim-transaction-1.lua), re-creating it when it ran out first (a decision long after the deadline):
  a replay must never find the decision without its record.
  KEYS[1] the transaction index's part of the transactionId <ns>:txns:<part>
  ARGV[1] transactionId   ARGV[2] phone number   ARGV[3] time left (ms)
  Returns 1 when kept, 0 when the transactionId now belongs to another phone's request.
]]
--- @include "transaction-index"
local part, txn, phone = KEYS[1], ARGV[1], ARGV[2]
local now = redisNowMs()
local claim = liveClaim(part, txn, now)
if claim == false then claim = phone end
if claim ~= phone and claim ~= phone .. '|cancelled' then
  return 0
end
putClaim(part, txn, claim, tonumber(ARGV[3]), now)
return 1
