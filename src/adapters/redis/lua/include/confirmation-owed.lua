-- Whether the verification still owes its confirmation SMS ('pending', or 'sending' by a worker that
-- may have died), and the stored state.
local function confirmationOwed(vkey)
  local confirmation = redis.call('HGET', vkey, 'conf')
  return confirmation == 'pending' or confirmation == 'sending', confirmation
end
