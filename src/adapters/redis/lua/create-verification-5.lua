--[[
  Records a new verification, or reports the one already recorded (idempotent on transactionId).
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  KEYS[2] open verifications  <ns>:{bucket}:<phone>:open   (hash transactionId -> reference code)
  KEYS[3] opt-out flag        <ns>:{bucket}:<phone>:optout
  KEYS[4] cancellation marker <ns>:{bucket}:<phone>:cx:<transactionId> (left by a cancellation that found no verification)
  KEYS[5] the bucket's due set <ns>:{bucket}:due  (member '<phone>|<transactionId>', score: when a worker is next needed)
  ARGV[1] transactionId    ARGV[2] phone        ARGV[3] amountMinor   ARGV[4] currency
  ARGV[5] merchant         ARGV[6] cardLast4    ARGV[7] locale        ARGV[8] metadata (JSON)
  ARGV[9] now (ms)         ARGV[10] deadline (ms)
  ARGV[11] '1' when a cancellation arrived before the request
  ARGV[12] eventId for a decision taken at once
  ARGV[13] retention of a decided verification (ms): it lives until max(deadline, decision) + retention,
           exactly as long as its idempotency record (claim-transaction-1.lua)
  ARGV[14] comma-separated candidate reference codes
  ARGV[15] send lease (ms): how long the creator owns the question's send
  ARGV[16] publish lease (ms): when the sweep publishes a decision taken at once if its taker died
  Returns {status, fields, othersOpen} where status is
    'exists'  (fields of the recorded verification),
    'decided' (decided at once: OPTED_OUT or CANCELLED, no SMS to send),
    'created' (state SENDING; othersOpen = number of other open verifications of the phone).
]]
local vkey, openKey, optoutKey, dueKey = KEYS[1], KEYS[2], KEYS[3], KEYS[5]
local now, deadline, retention = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[13])
local member = ARGV[2] .. '|' .. ARGV[1]

if redis.call('EXISTS', vkey) == 1 then
  if redis.call('HGET', vkey, 'st') ~= 'DECIDED' then
    redis.call('ZADD', dueKey, 'NX', deadline, member)
  end
  return {'exists', redis.call('HGETALL', vkey), 0}
end

-- The key names the phone and the transaction; fields left at their default (rp 0, out '') are not stored.
redis.call('HSET', vkey,
  'amt', ARGV[3], 'cur', ARGV[4], 'mer', ARGV[5],
  'l4', ARGV[6], 'loc', ARGV[7], 'meta', ARGV[8], 'reqAt', ARGV[9], 'dl', ARGV[10])
redis.call('PEXPIRE', vkey, math.max(deadline, now) + retention - now)

local decision = false
if redis.call('EXISTS', optoutKey) == 1 then
  decision = 'OPTED_OUT'
elseif ARGV[11] == '1' or redis.call('EXISTS', KEYS[4]) == 1 then
  decision = 'CANCELLED'
end
if decision then
  redis.call('HSET', vkey, 'st', 'DECIDED', 'dec', decision, 'decAt', ARGV[9], 'eid', ARGV[12], 'pub', '0', 'code', '')
  redis.call('ZADD', dueKey, now + tonumber(ARGV[16]), member)
  return {'decided', redis.call('HGETALL', vkey), 0}
end

-- Codes in use among the phone's open verifications; an entry whose verification expired undecided
-- (never swept within its retention) is dropped on the way.
local used, othersOpen = {}, 0
local open = redis.call('HGETALL', openKey)
local prefix = string.sub(vkey, 1, #vkey - #ARGV[1])
for i = 1, #open, 2 do
  if open[i] == ARGV[1] then
    -- A stale entry of this very transactionId (an earlier verification of it, expired): replaced below.
  elseif redis.call('EXISTS', prefix .. open[i]) == 1 then
    used[open[i + 1]] = true
    othersOpen = othersOpen + 1
  else
    redis.call('HDEL', openKey, open[i])
  end
end
local code = ''
for candidate in string.gmatch(ARGV[14], '[^,]+') do
  if not used[candidate] then code = candidate; break end
end

redis.call('HSET', vkey, 'st', 'SENDING', 'code', code, 'sl', now + tonumber(ARGV[15]))
redis.call('HSET', openKey, ARGV[1], code)
if redis.call('PTTL', openKey) < deadline + retention - now then
  redis.call('PEXPIRE', openKey, deadline + retention - now)
end
redis.call('ZADD', dueKey, 'NX', deadline, member)
return {'created', redis.call('HGETALL', vkey), othersOpen}
