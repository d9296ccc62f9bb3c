--[[
  Records that the confirmation SMS went out, indexes its MessageId (a reply to it names this
  verification: a late reply, not another open one) and takes the verification out of the due set:
  nothing is owed any more. One script instead of three calls.
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  KEYS[2] the phone's index   <ns>:{bucket}:ix:<part>   (include/phone-index.lua)
  KEYS[3] the phone's part of its bucket's due set <ns>:{bucket}:due:<part>
  ARGV[1] due member '<phone>|<transactionId>'   ARGV[2] transactionId
  ARGV[3] the confirmation's MessageId ('' when none: refused for good)   ARGV[4] phone
]]
--- @include "phone-index"
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'conf', 'sent')
end
if ARGV[3] ~= '' then
  indexText(phoneIndexOf(KEYS[2], ARGV[4]), ARGV[3], ARGV[2])
end
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
