--[[
  Sets one field of an existing verification, never recreating an expired one.
  KEYS[1] verification hash   ARGV[1] field   ARGV[2] value
  Returns 1 when set, 0 when the verification is gone.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
