-- The decide step every deciding script shares. The verification becomes DECIDED with its decision,
-- its event's id and the event not yet published; it lives for the retention after its deadline or
-- its decision, whichever is later; it leaves the phone's open verifications; it is due in the outbox
-- (the bucket's due set) when its publish lease ends, so a taker that dies is replaced. A decision the
-- cardholder may still answer (all but UNDELIVERABLE: nothing reached the handset) is remembered for
-- the late-reply day.
-- d: vkey, txn, member ('<phone>|<transactionId>'), decision, now, eventId, retention, publishLease,
--    ix (the phone's index), dueKey, recentKey (unused for UNDELIVERABLE), reason (UNDELIVERABLE only)
--- @include "phone-index"
local function recordDecision(d)
  redis.call('HSET', d.vkey, 'st', 'DECIDED', 'dec', d.decision, 'decAt', d.now, 'eid', d.eventId, 'pub', '0')
  if d.decision == 'UNDELIVERABLE' then
    redis.call('HSET', d.vkey, 'ur', d.reason)
  end
  local deadline = tonumber(redis.call('HGET', d.vkey, 'dl'))
  redis.call('PEXPIRE', d.vkey, math.max(deadline, d.now) + d.retention - d.now)
  removeOpen(d.ix, d.txn)
  redis.call('ZADD', d.dueKey, d.now + d.publishLease, d.member)
  if d.decision ~= 'UNDELIVERABLE' then
    redis.call('ZADD', d.recentKey, d.now, d.txn)
    redis.call('ZREMRANGEBYSCORE', d.recentKey, '-inf', d.now - 86400000)
    redis.call('PEXPIRE', d.recentKey, d.retention)
  end
end
