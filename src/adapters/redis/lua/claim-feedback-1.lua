--[[
  Claims the one PutMessageFeedback RECEIVED of a verification's question.
  KEYS[1] verification hash   <ns>:{bucket}:<phone>:v:<transactionId>
  Returns the question's MessageId to report, or '' when there is none or it was claimed before
  (field fb; the caller deletes it again when the report finally failed, so a later reply retries).
]]
local vkey = KEYS[1]
local fields = redis.call('HMGET', vkey, 'st', 'dq', 'out', 'fb')
if not fields[1] or fields[4] then return '' end
local question = fields[2] or ''
if question == '' then question = fields[3] or '' end
if question == '' then return '' end
redis.call('HSET', vkey, 'fb', '1')
return question
