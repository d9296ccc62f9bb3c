import type { RedisClient } from "../../src/adapters/redis/scripts.ts";

/** Now on Redis's own clock (TIME), ms: what TTLs and the ends of hash entries count on. */
export async function redisNowMs(redis: RedisClient): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
