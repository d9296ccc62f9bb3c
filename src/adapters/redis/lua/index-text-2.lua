--[[
  Indexes a text sent about a verification (help, re-prompt, the late-reply text), so a reply to it
  names that verification.
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  KEYS[2] the phone's index   <ns>:{bucket}:<phone>:ix   (include/phone-index.lua)
  ARGV[1] the text's MessageId   ARGV[2] transactionId
  Returns 1 when indexed, 0 when the verification is gone.
]]
--- @include "phone-index"
local vkey = KEYS[1]
if redis.call('EXISTS', vkey) == 0 then return 0 end
indexText(KEYS[2], string.sub(vkey, 1, #vkey - #ARGV[2]), ARGV[1], ARGV[2])
return 1
