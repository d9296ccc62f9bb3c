--[[
  Claims verifications whose deadline passed, for a short lease, so that any worker can expire them
  and a worker that dies mid-way is replaced once the lease ends. No leader is needed.
  KEYS[1..17] a bucket's due set: its unsplit key (written by releases before the split), then its
              16 parts (member '<phone>|<transactionId>', score: when a worker is next needed, ms)
  ARGV[1] now (ms)   ARGV[2] most members to claim   ARGV[3] lease (ms)
  Returns the claimed members. Each pass starts at another key, so a key with more due than a pass
  takes cannot keep the others waiting.
]]
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local leaseEnd = now + tonumber(ARGV[3])
local claimed = {}
local start = now % #KEYS
for i = 0, #KEYS - 1 do
  if #claimed >= limit then break end
  local key = KEYS[(start + i) % #KEYS + 1]
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', now, 'LIMIT', 0, limit - #claimed)) do
    redis.call('ZADD', key, leaseEnd, member)
    claimed[#claimed + 1] = member
  end
end
return claimed
