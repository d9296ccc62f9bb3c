--[[
  Claims the confirmation SMS a decision owes (see include/claim-confirmation.lua), for a worker that
  did not publish the decision itself (the one that did claims it in mark-published-3).
  KEYS[1] verification hash   fv:{phone}:v:<transactionId>
  KEYS[2] opt-out flag        fv:{phone}:optout
  ARGV[1] now (ms)   ARGV[2] how long the claimer may take to send it (ms)
  Returns 'claimed', 'taken', 'opted_out' or 'done'.
]]
--- @include "claim-confirmation"

return claimConfirmation(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]))
