--[[
  Claims verifications whose deadline passed, for a short lease, so that any worker can expire them
  and a worker that dies mid-way is replaced once the lease ends. No leader is needed.
  KEYS[1] deadlines zset (member '<phone>|<transactionId>', score deadline ms)
  ARGV[1] now (ms)   ARGV[2] most members to claim   ARGV[3] lease (ms)
  Returns the claimed members.
]]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local leaseEnd = tonumber(ARGV[1]) + tonumber(ARGV[3])
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], leaseEnd, member)
end
return due
