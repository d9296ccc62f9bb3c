-- Claims the confirmation SMS a decision owes, so exactly one worker sends it, and never to a phone
-- that opted out meanwhile: 'claimed' (send it, then mark it sent), 'taken' (another worker's lease
-- on it still runs), 'opted_out' (not to be sent; marked skipped) or 'done' (nothing owed).
--- @include "confirmation-owed"
local function claimConfirmation(vkey, optOutKey, now, leaseMs)
  local owed, confirmation = confirmationOwed(vkey)
  if not owed then
    return 'done'
  end
  if redis.call('EXISTS', optOutKey) == 1 then
    redis.call('HSET', vkey, 'conf', 'skipped')
    return 'opted_out'
  end
  if confirmation == 'sending' and tonumber(redis.call('HGET', vkey, 'cfl') or '0') > now then
    return 'taken'
  end
  redis.call('HSET', vkey, 'conf', 'sending', 'cfl', now + leaseMs)
  return 'claimed'
end
