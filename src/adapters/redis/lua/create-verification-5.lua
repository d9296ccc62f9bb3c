--[[
  Records a new verification, or reports the one already recorded (idempotent on transactionId).
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  KEYS[2] the phone's index   <ns>:{bucket}:ix:<part>   (include/phone-index.lua)
  KEYS[3] opt-out flag        <ns>:{bucket}:<phone>:optout
  KEYS[4] cancellation marker <ns>:{bucket}:<phone>:cx:<transactionId> (left by a cancellation that found no verification)
  KEYS[5] the phone's part of its bucket's due set <ns>:{bucket}:due:<part>  (member '<phone>|<transactionId>', score: when a worker is next needed)
  ARGV[1] JSON, named: transactionId, phone, amountMinor (string), currency, merchant, cardLast4,
          locale, metadata (JSON string; '' for none), now (ms), deadline (ms),
          cancelledEarlier (true when a cancellation arrived before the request),
          eventId (for a decision taken at once),
          retention (ms, of a decided verification: it lives until max(deadline, decision) + retention,
          exactly as long as its idempotency record, claim-transaction-1.lua),
          codes (comma-separated candidate reference codes),
          sendLease (ms: how long the creator owns the question's send),
          publishLease (ms: when the sweep publishes a decision taken at once if its taker died)
  Returns {status, fields, othersOpen} where status is
    'exists'  (fields of the recorded verification),
    'decided' (decided at once: OPTED_OUT or CANCELLED, no SMS to send),
    'created' (state SENDING; othersOpen = number of other open verifications of the phone).
]]
local vkey, ix, optoutKey, dueKey = KEYS[1], KEYS[2], KEYS[3], KEYS[5]
local a = cjson.decode(ARGV[1])
--- @include "phone-index"
ix = phoneIndexOf(ix, a.phone)

local now, deadline, retention = a.now, a.deadline, a.retention
local member = a.phone .. '|' .. a.transactionId

if redis.call('EXISTS', vkey) == 1 then
  if redis.call('HGET', vkey, 'st') ~= 'DECIDED' then
    redis.call('ZADD', dueKey, 'NX', deadline, member)
  end
  return {'exists', redis.call('HGETALL', vkey), 0}
end

-- The key names the phone and the transaction; fields left at their default (rp 0, out '') are not stored.
redis.call('HSET', vkey,
  'amt', a.amountMinor, 'cur', a.currency, 'mer', a.merchant,
  'l4', a.cardLast4, 'reqAt', now, 'dl', deadline)
if a.locale ~= '' then redis.call('HSET', vkey, 'loc', a.locale) end
if a.metadata ~= '' then redis.call('HSET', vkey, 'meta', a.metadata) end
redis.call('PEXPIRE', vkey, math.max(deadline, now) + retention - now)

local decision = false
if redis.call('EXISTS', optoutKey) == 1 then
  decision = 'OPTED_OUT'
elseif a.cancelledEarlier or redis.call('EXISTS', KEYS[4]) == 1 then
  decision = 'CANCELLED'
end
if decision then
  redis.call('HSET', vkey, 'st', 'DECIDED', 'dec', decision, 'decAt', now, 'eid', a.eventId, 'pub', '0')
  redis.call('ZADD', dueKey, now + a.publishLease, member)
  return {'decided', redis.call('HGETALL', vkey), 0}
end

-- Codes in use among the phone's open verifications (openEntries drops stale entries on the way;
-- this verification has no state yet, so an earlier one's entry of this transactionId is one).
local used, othersOpen = {}, 0
for _, entry in ipairs(openEntries(ix)) do
  used[entry[2]] = true
  othersOpen = othersOpen + 1
end
local code = ''
for candidate in string.gmatch(a.codes, '[^,]+') do
  if not used[candidate] then code = candidate; break end
end

redis.call('HSET', vkey, 'st', 'SENDING', 'sl', now + a.sendLease)
if code ~= '' then redis.call('HSET', vkey, 'code', code) end
addOpen(ix, a.transactionId, code, deadline + retention - now)
redis.call('ZADD', dueKey, 'NX', deadline, member)
return {'created', redis.call('HGETALL', vkey), othersOpen}
