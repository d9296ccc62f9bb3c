--[[
  Moves a claim recorded by a release before the transaction index (a key of its own,
  <ns>:txn:<transactionId>, in another slot: the caller read it) into the index, where it wins over
  the claim the caller's own script just made: it came first.
  KEYS[1] the transaction index's part of the transactionId <ns>:txns:<part>
  ARGV[1] transactionId   ARGV[2] the earlier claim   ARGV[3] how long it lasts, ms
]]
--- @include "transaction-index"
putClaim(KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), redisNowMs())
return 1
