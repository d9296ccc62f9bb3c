--[[
  Indexes a text sent about a verification (help, re-prompt, the late-reply text), so a reply to it
  names that verification.
  KEYS[1] the phone's index   <ns>:{bucket}:ix:<part>   (include/phone-index.lua)
  ARGV[1] the text's MessageId   ARGV[2] transactionId   ARGV[3] phone
]]
--- @include "phone-index"
indexText(phoneIndexOf(KEYS[1], ARGV[3]), ARGV[1], ARGV[2])
return 1
