--[[
  Records that the text a reply owed (help, re-prompt, already handled, the list, opt-in) was sent,
  so a redelivery of that reply does not send it again.
  KEYS[1] handled inbound id  fv:{phone}:in:<inboundMessageId>  (value '<transactionIds>|<owed text>')
  Returns 1 when cleared, 0 when the record is gone.
]]
local handled = redis.call('GET', KEYS[1])
if handled == false then
  return 0
end
local transactions = string.match(handled, '^[^|]*')
redis.call('SET', KEYS[1], transactions .. '|', 'KEEPTTL')
return 1
