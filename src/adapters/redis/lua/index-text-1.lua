--[[
  Indexes a text sent about a verification (help, re-prompt, the late-reply text), so a reply to it
  names that verification.
  KEYS[1] the phone's index   <ns>:{bucket}:<phone>:ix   (include/phone-index.lua)
  ARGV[1] the text's MessageId   ARGV[2] transactionId
]]
--- @include "phone-index"
indexText(KEYS[1], ARGV[1], ARGV[2])
return 1
