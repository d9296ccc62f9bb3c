--[[
  Takes the message parts of one SMS from the send rate every worker shares (SMS_MAX_PARTS_PER_SECOND).
  The bucket is a GCRA: one number, the theoretical arrival time (TAT) of the next part, each part
  pushing it one interval (1 s / rate) further. Time is Redis's own (TIME), one clock for every
  worker. A worker may reserve the next slot up to a short look-ahead before it comes, so its timer
  running late never costs throughput: the schedule advances from the slot, not from the wake-up.
  The registry holds each worker's most urgent waiting text (its rank, lower first); a worker whose
  own best is less urgent than a live entry of another worker yields the slot to it.
  KEYS[1] TAT (string, ms of the Redis clock; gone = the bucket is full)
  KEYS[2] waiting registry (hash: worker id -> "<rank>|<seen at ms>")
  ARGV[1] JSON, named: interval (ms per part), burst (parts the bucket holds, >= 1), parts (of this
          SMS), lookAhead (ms), worker (id), rank (the worker's most urgent waiting text), nextRank
          (what it has waiting once this is granted; absent = nothing), lifetime (of a registry entry, ms)
  Returns {'granted', sendAt, now}: send at sendAt (>= now);
          {'wait', waitMs, now}: the next slot is further than the look-ahead;
          {'yield', waitMs, now}: a slot is there, but another worker has something more urgent waiting.
  Times are strings in ms, fractions kept (Lua numbers returned as integers would be truncated).
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local args = cjson.decode(ARGV[1])
local interval = tonumber(args.interval)
local burst = tonumber(args.burst)
local parts = tonumber(args.parts)
local lookAhead = tonumber(args.lookAhead)
local me = args.worker
local myRank = tonumber(args.rank)
local nextRank = tonumber(args.nextRank)
local lifetime = tonumber(args.lifetime)

local function ms(value) return string.format('%.6f', value) end

local function register(rank)
  redis.call('HSET', KEYS[2], me, string.format('%.0f', rank) .. '|' .. ms(now))
  redis.call('PEXPIRE', KEYS[2], math.ceil(lifetime))
end

local moreUrgentElsewhere = false
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  local worker, value = entries[i], entries[i + 1]
  local bar = string.find(value, '|', 1, true)
  local rank = tonumber(string.sub(value, 1, bar - 1))
  local seenAt = tonumber(string.sub(value, bar + 1))
  if now - seenAt > lifetime then
    redis.call('HDEL', KEYS[2], worker)
  elseif worker ~= me and rank < myRank then
    moreUrgentElsewhere = true
  end
end

local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
-- A message of more parts than the burst goes when the bucket is full, and leaves it in debt.
local tolerance = (burst - math.min(parts, burst)) * interval
local sendAt = math.max(now, tat - tolerance)
-- Every waiting worker wakes when the next slot can be reserved; the most urgent one takes it.
if sendAt - now > lookAhead then
  register(myRank)
  return {'wait', ms(sendAt - now - lookAhead), ms(now)}
end
if moreUrgentElsewhere then
  -- Soon again: the other worker takes this slot within milliseconds, or it has gone silent.
  register(myRank)
  return {'yield', ms(math.min(interval, 10)), ms(now)}
end

local nextTat = math.max(tat, sendAt) + parts * interval
redis.call('SET', KEYS[1], ms(nextTat), 'PX', math.ceil(nextTat - now) + 1000)
if nextRank == nil then
  redis.call('HDEL', KEYS[2], me)
else
  register(nextRank)
end
return {'granted', ms(sendAt), ms(now)}
