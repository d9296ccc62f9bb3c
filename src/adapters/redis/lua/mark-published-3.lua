--[[
  Records that a decision's event was published and, in the same step, claims the confirmation SMS it
  owes for the publisher (see include/claim-confirmation.lua), so the confirmation needs no round trip
  of its own. The entry in the due set moves to the end of the confirmation's lease while one is owed,
  else out of the set.
  KEYS[1] verification hash   KEYS[2] the phone's part of its bucket's due set   KEYS[3] opt-out flag
  ARGV[1] due member '<phone>|<transactionId>'   ARGV[2] now (ms)   ARGV[3] confirmation lease (ms)
  ARGV[4] how long the publisher may take to send the confirmation (ms; 0: do not claim it)
  Returns 'gone' (the verification expired), 'owed' (not claimed), or the claim's answer:
  'claimed', 'taken', 'opted_out' or 'done'.
]]
--- @include "claim-confirmation"

local vkey, dueKey, member = KEYS[1], KEYS[2], ARGV[1]
local now = tonumber(ARGV[2])
if redis.call('EXISTS', vkey) == 0 then
  redis.call('ZREM', dueKey, member)
  return 'gone'
end
redis.call('HSET', vkey, 'pub', '1')
local claim = 'owed'
local sendLease = tonumber(ARGV[4])
if sendLease > 0 then
  claim = claimConfirmation(vkey, KEYS[3], now, sendLease)
elseif not confirmationOwed(vkey) then
  claim = 'done'
end
if claim == 'done' or claim == 'opted_out' then
  redis.call('ZREM', dueKey, member)
else
  redis.call('ZADD', dueKey, now + tonumber(ARGV[3]), member)
end
return claim
