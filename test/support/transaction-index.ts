import type { RedisClient as Redis } from "../../src/adapters/redis/scripts.ts";
import { RedisKeys } from "../../src/adapters/redis/redis-keys.ts";
import { redisNowMs } from "./redis-clock.ts";

const EARLIEST = "~";
/** An entry as stored: '<claim>|<end, ms>' (lua/include/entries-with-ends.lua). */
const ENTRY = /^(.*)\|(\d+)$/;

/**
 * A transactionId's claim in the transaction index (lua/include/transaction-index.lua) and how long
 * it has left on Redis's clock; null when it has none or it ended.
 */
export async function transactionClaim(
  redis: Redis,
  namespace: string,
  transactionId: string,
): Promise<{ claim: string; leftMs: number } | null> {
  const entry = await redis.hget(new RedisKeys(namespace).transactionIndex(transactionId), transactionId);
  const match = entry === null ? null : ENTRY.exec(entry);
  if (!match) return null;
  const leftMs = Number(match[2]) - (await redisNowMs(redis));
  return leftMs > 0 ? { claim: match[1] ?? "", leftMs } : null;
}

/**
 * Lets `ms` of Redis's time pass for the entries of the namespace's transaction index, as
 * runDownTtls does for keys: each entry's end comes `ms` closer, and one that ends is gone (or, with
 * `keepEnded`, stays as Redis leaves it until a write drops it). The hashes' own TTLs are run down by
 * runDownTtls.
 */
export async function runDownTransactionIndex(redis: Redis, namespace: string, ms: number, { keepEnded = false } = {}): Promise<void> {
  const now = await redisNowMs(redis);
  for (const part of await redis.keys(`${namespace}:txns:*`)) {
    for (const [field, value] of Object.entries(await redis.hgetall(part))) {
      if (field === EARLIEST) {
        await redis.hset(part, field, String(Number(value) - ms));
        continue;
      }
      const [, claim = "", ends = "0"] = ENTRY.exec(value) ?? [];
      const endsNow = Number(ends) - ms;
      if (endsNow <= now && !keepEnded) await redis.hdel(part, field);
      else await redis.hset(part, field, `${claim}|${endsNow}`);
    }
  }
}
