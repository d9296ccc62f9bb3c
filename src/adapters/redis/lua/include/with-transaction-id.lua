-- A verification hash does not store its own transactionId (its key names it): a record returned to
-- a caller that cannot know which verification it is gets the id appended as the field 'txn'.
local function withTransactionId(flat, txn)
  if #flat > 0 then
    flat[#flat + 1] = 'txn'
    flat[#flat + 1] = txn
  end
  return flat
end
