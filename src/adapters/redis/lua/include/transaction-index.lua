-- The transaction index: the claim of each transactionId's request, as entries of 1,024 hashes
-- <ns>:txns:<part> (the part chosen by the transactionId; see redis-keys.ts) instead of a key per
-- transaction, so an entry costs ~50 bytes of a compact listpack rather than ~200 for a key:
--   '<transactionId>' -> '<claim>|<end>', the claim being '<phone>', '<phone>|cancelled' (a
--                        cancellation came first) or '!cancelled' (a cancellation, no request yet)
-- An entry counts until its end, as the key it replaces did with its TTL (include/entries-with-ends.lua).
--- @include "entries-with-ends"

-- The claim of txn, or false when it has none or it ended.
local function liveClaim(part, txn, now)
  return liveValue(part, txn, now)
end

-- Records txn's claim for lifetimeMs from now.
local function putClaim(part, txn, claim, lifetimeMs, now)
  putEnding(part, txn, claim, lifetimeMs, now)
end
