--[[
  The claim of a transactionId, for a lookup that changes nothing.
  KEYS[1] the transaction index's part of the transactionId <ns>:txns:<part> (include/transaction-index.lua)
  ARGV[1] transactionId
  Returns its claim ('<phone>', '<phone>|cancelled' or '!cancelled'), or false when it has none.
]]
--- @include "transaction-index"
return liveClaim(KEYS[1], ARGV[1], redisNowMs())
