--[[
  Records a new verification, or reports the one already recorded (idempotent on transactionId).
  KEYS[1] verification hash   fv:{phone}:v:<transactionId>
  KEYS[2] open verifications  fv:{phone}:open   (hash transactionId -> reference code)
  KEYS[3] opt-out flag        fv:{phone}:optout
  KEYS[4] cancellation marker fv:{phone}:cx:<transactionId> (left by a cancellation that found no verification)
  ARGV[1] transactionId    ARGV[2] phone        ARGV[3] amountMinor   ARGV[4] currency
  ARGV[5] merchant         ARGV[6] cardLast4    ARGV[7] locale        ARGV[8] metadata (JSON)
  ARGV[9] now (ms)         ARGV[10] deadline (ms)
  ARGV[11] '1' when a cancellation arrived before the request
  ARGV[12] eventId for a decision taken at once
  ARGV[13] TTL of the open verification, seconds    ARGV[14] TTL of a decided one, seconds
  ARGV[15] comma-separated candidate reference codes
  Returns {status, fields, othersOpen} where status is
    'exists'  (fields of the recorded verification),
    'decided' (decided at once: OPTED_OUT or CANCELLED, no SMS to send),
    'created' (state SENDING; othersOpen = number of other open verifications of the phone).
]]
local vkey, openKey, optoutKey = KEYS[1], KEYS[2], KEYS[3]

if redis.call('EXISTS', vkey) == 1 then
  return {'exists', redis.call('HGETALL', vkey), 0}
end

redis.call('HSET', vkey,
  'txn', ARGV[1], 'phone', ARGV[2], 'amt', ARGV[3], 'cur', ARGV[4], 'mer', ARGV[5],
  'l4', ARGV[6], 'loc', ARGV[7], 'meta', ARGV[8], 'reqAt', ARGV[9], 'dl', ARGV[10],
  'rp', '0', 'out', '')

local decision = false
if redis.call('EXISTS', optoutKey) == 1 then
  decision = 'OPTED_OUT'
elseif ARGV[11] == '1' or redis.call('EXISTS', KEYS[4]) == 1 then
  decision = 'CANCELLED'
end
if decision then
  redis.call('HSET', vkey, 'st', 'DECIDED', 'dec', decision, 'decAt', ARGV[9], 'eid', ARGV[12], 'pub', '0', 'code', '')
  redis.call('EXPIRE', vkey, ARGV[14])
  return {'decided', redis.call('HGETALL', vkey), 0}
end

local used = {}
local open = redis.call('HGETALL', openKey)
for i = 2, #open, 2 do used[open[i]] = true end
local code = ''
for candidate in string.gmatch(ARGV[15], '[^,]+') do
  if not used[candidate] then code = candidate; break end
end

redis.call('HSET', vkey, 'st', 'SENDING', 'code', code)
redis.call('EXPIRE', vkey, ARGV[13])
redis.call('HSET', openKey, ARGV[1], code)
if redis.call('TTL', openKey) < tonumber(ARGV[13]) then
  redis.call('EXPIRE', openKey, ARGV[13])
end
return {'created', redis.call('HGETALL', vkey), #open / 2}
