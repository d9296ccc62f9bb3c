/** The Redis commands the run-down needs (a single node or a cluster client). */
interface TtlCommands {
  pttl(key: string): Promise<number>;
  del(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
}

/**
 * Lets `ms` of time pass for these keys as it would on Redis's own clock: each TTL runs down by `ms`,
 * and a key whose TTL runs out is gone. Keys without a TTL stay. Tests that move the service's clock
 * call it so Redis's expiries move with it.
 */
export async function runDownTtls(redis: TtlCommands, keys: readonly string[], ms: number): Promise<void> {
  for (const key of keys) {
    const ttl = await redis.pttl(key);
    if (ttl < 0) continue;
    if (ttl <= ms) await redis.del(key);
    else await redis.pexpire(key, ttl - ms);
  }
}
