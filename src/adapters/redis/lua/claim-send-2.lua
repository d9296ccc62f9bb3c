--[[
  Claims the question's send for a request delivered again, so a second SMS goes out only when the
  first sender's lease ran out (it crashed or gave up), never while it may still be sending.
  KEYS[1] verification hash   KEYS[2] opt-out flag
  ARGV[1] now (ms)   ARGV[2] lease (ms)
  Returns 'claimed', 'held' (another sender owns it), 'opted_out' (the phone opted out since: no SMS),
          'not_sending' (already sent or decided) or 'missing'.
]]
local vkey = KEYS[1]
local state = redis.call('HGET', vkey, 'st')
if state == false then return 'missing' end
if state ~= 'SENDING' then return 'not_sending' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'opted_out' end
local now = tonumber(ARGV[1])
if tonumber(redis.call('HGET', vkey, 'sl') or '0') > now then return 'held' end
redis.call('HSET', vkey, 'sl', now + tonumber(ARGV[2]))
return 'claimed'
